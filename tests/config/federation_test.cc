// The `federation:` section: city, platform, peers, and their cross-references.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "tests/config/test_util.h"

namespace metrogw::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::loadErrors;
using testing::loadOk;

LoadOptions fedOptions() {
  LoadOptions o = testing::testOptions();
  o.known_dialects = {"fhir-r4", "hl7v2", "hl7v3-cda"};
  return o;
}

// Listeners (lines 1-7), clusters (8-17); `federation` follows at line 18.
constexpr const char* kBase = R"(listeners:
  - name: main
    port: 0
  - name: federation
    port: 0
    tls: { cert: n.crt, key: n.key, client_ca: ca.crt }
routes: []
clusters:
  - name: nj-platform
    hosts: ["127.0.0.1:7001"]
  - name: nanjing
    hosts: ["127.0.0.1:9443"]
    tls: { ca: ca.crt, cert: n.crt, key: n.key, expected_subject: "CN=nanjing.metrogw" }
  - name: plain
    hosts: ["127.0.0.1:9444"]
  - name: padding
    hosts: ["127.0.0.1:9445"]
)";

std::string with(const std::string& federation) { return std::string(kBase) + federation; }

TEST(FederationConfigTest, FullSection) {
  auto cfg = loadOk(with(R"(federation:
  city: "3402"
  city_name: 芜湖
  listener: federation
  deadline_ms: 2500
  platform: { dialect: hl7v2, address: "127.0.0.1:2575", timeout_ms: 900 }
  peers:
    - { city: "3201", cluster: nanjing }
)"),
                    fedOptions());
  ASSERT_NE(cfg, nullptr);
  ASSERT_TRUE(cfg->federation.has_value());
  const Federation& f = *cfg->federation;
  EXPECT_EQ(f.city, "3402");
  EXPECT_EQ(f.city_name, "芜湖");
  EXPECT_EQ(f.deadline.count(), 2500);
  EXPECT_EQ(f.platform.dialect, "hl7v2");
  EXPECT_EQ(f.platform.address.port, 2575);
  EXPECT_EQ(f.platform.timeout.count(), 900);
  ASSERT_EQ(f.peers.size(), 1u);
  EXPECT_EQ(f.findPeer("3201")->cluster, "nanjing");
  EXPECT_EQ(f.findPeer("3405"), nullptr);
  EXPECT_EQ(cfg->findCluster("nanjing")->tls->expected_subject, "CN=nanjing.metrogw");
}

TEST(FederationConfigTest, HttpPlatformDefaultsBasePath) {
  auto cfg =
      loadOk(with("federation:\n  city: \"3201\"\n  platform: { dialect: fhir-r4, cluster: nj-platform }\n"),
             fedOptions());
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->federation->platform.base_path, "/fhir");
  EXPECT_FALSE(cfg->federation.value().platform.cluster.empty());
}

TEST(FederationConfigTest, Errors) {
  EXPECT_THAT(
      loadErrors(
          with("federation:\n  city: \"32\"\n  platform: { dialect: fhir-r4, cluster: nj-platform }\n"),
          fedOptions()),
      ElementsAre(HasSubstr("t.yaml:19: federation.city: must be a 4-digit GB/T 2260 city prefix")));
  EXPECT_THAT(
      loadErrors(
          with("federation:\n  city: \"3201\"\n  platform: { dialect: hl7v4, cluster: nj-platform }\n"),
          fedOptions()),
      ElementsAre(HasSubstr("unknown dialect 'hl7v4' (known: fhir-r4, hl7v2, hl7v3-cda)")));
  EXPECT_THAT(
      loadErrors(with("federation:\n  city: \"3201\"\n  platform: { dialect: fhir-r4, cluster: nope }\n"),
                 fedOptions()),
      ElementsAre(HasSubstr("unknown cluster 'nope'")));
  EXPECT_THAT(
      loadErrors(
          with("federation:\n  city: \"3402\"\n  platform: { dialect: hl7v2, cluster: nj-platform }\n"),
          fedOptions()),
      ElementsAre(HasSubstr("missing required key 'address'"), HasSubstr("give 'address', not 'cluster'")));
}

TEST(FederationConfigTest, PeersNeedMutualTlsAndAListener) {
  const auto errors = loadErrors(with(R"(federation:
  city: "3402"
  platform: { dialect: hl7v2, address: "127.0.0.1:2575" }
  peers:
    - { city: "3201", cluster: plain }
    - { city: "3402", cluster: nanjing }
)"),
                                 fedOptions());
  EXPECT_THAT(errors,
              ElementsAre(HasSubstr("t.yaml:21: federation.peers: peers need a 'listener'"),
                          HasSubstr("t.yaml:22: federation.peers[0].cluster: peer cluster 'plain' needs tls"),
                          HasSubstr("t.yaml:23: federation.peers[1].city: city 3402 is listed twice")));
}

TEST(FederationConfigTest, ListenerMustRequireClientCertificates) {
  EXPECT_THAT(loadErrors(with("federation:\n  city: \"3201\"\n  listener: main\n"
                              "  platform: { dialect: fhir-r4, cluster: nj-platform }\n"),
                         fedOptions()),
              ElementsAre(HasSubstr("listener 'main' must require client certificates")));
}

TEST(FederationConfigTest, UnknownKeyRejected) {
  EXPECT_THAT(
      loadErrors(
          with("federation:\n  city: \"3201\"\n  platform: { dialect: fhir-r4, cluster: nj-platform }\n"
               "  peer: []\n"),
          fedOptions()),
      ElementsAre("t.yaml:21: federation.peer: unknown key, did you mean 'peers'?"));
}

}  // namespace
}  // namespace metrogw::config
