// Loader tests for valid documents: every field lands in the struct, defaults, inference, files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "config/config.h"
#include "tests/config/test_util.h"

namespace metrogw::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kMinimal;
using testing::loadErrors;
using testing::loadOk;

constexpr const char* kFull = R"(node_name: gw-test.1
workers: 4
log_level: debug
access_log: false
access_log_path: /var/log/metrogw/access.log
admin:
  address: "::1"
  port: 9000
limits:
  max_header_bytes: 2048
  max_body_bytes: 5000000000
  header_timeout_ms: 11
  body_timeout_ms: 12
  idle_timeout_ms: 13
  max_connections_per_worker: 14
  buffer_high_watermark: 15
  drain_timeout_ms: 16
listeners:
  - name: public
    address: 10.0.0.1
    port: 443
    tls:
      cert: c.pem
      key: k.pem
      client_ca: ca.pem
      session_tickets: false
      min_version: "1.3"
  - name: plain
    port: 80
clusters:
  - name: platform
    hosts: ["127.0.0.1:8081", "db.example.org:5432", "[::1]:8080"]
    connect_timeout_ms: 21
    request_timeout_ms: 22
    max_idle_per_host: 23
    retry: {max_retries: 3, budget_percent: 12.5, min_retry_concurrency: 7, retry_on_5xx: false}
    circuit_breaker: {max_pending: 31, max_active: 32}
    outlier_detection: {consecutive_5xx: 0, base_ejection_ms: 41}
    tls: {ca: up-ca.pem, server_name: db.example.org, cert: up.pem, key: up.key}
routes:
  - name: hospital
    methods: [GET, POST]
    path: /v1/hospitals/{id}
    match: template
    cluster: platform
    listeners: [public, plain]
    timeout_ms: 51
  - path: /healthz
    match: exact
    handler: healthz
  - path: /api/
    cluster: platform
    prefix_rewrite: /v1/
)";

TEST(LoaderTest, FullConfigLandsInStruct) {
  const ConfigPtr c = loadOk(kFull);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->source, "t.yaml");
  EXPECT_EQ(c->node_name, "gw-test.1");
  EXPECT_EQ(c->workers, 4u);
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_FALSE(c->access_log);
  EXPECT_EQ(c->access_log_path, "/var/log/metrogw/access.log");
  EXPECT_EQ(c->admin.address, "::1");
  EXPECT_EQ(c->admin.port, 9000);
  EXPECT_EQ(c->limits.max_header_bytes, 2048u);
  EXPECT_EQ(c->limits.max_body_bytes, 5000000000u);
  EXPECT_EQ(c->limits.header_timeout, Millis(11));
  EXPECT_EQ(c->limits.body_timeout, Millis(12));
  EXPECT_EQ(c->limits.idle_timeout, Millis(13));
  EXPECT_EQ(c->limits.max_connections_per_worker, 14u);
  EXPECT_EQ(c->limits.buffer_high_watermark, 15u);
  EXPECT_EQ(c->limits.drain_timeout, Millis(16));
}

TEST(LoaderTest, FullConfigListeners) {
  const ConfigPtr c = loadOk(kFull);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->listeners.size(), 2u);
  const Listener& l = c->listeners[0];
  EXPECT_EQ(l.name, "public");
  EXPECT_EQ(l.address, "10.0.0.1");
  EXPECT_EQ(l.port, 443);
  ASSERT_TRUE(l.tls.has_value());
  EXPECT_EQ(l.tls->cert_file, "c.pem");
  EXPECT_EQ(l.tls->key_file, "k.pem");
  EXPECT_EQ(l.tls->client_ca_file, "ca.pem");
  EXPECT_FALSE(l.tls->session_tickets);
  EXPECT_EQ(l.tls->min_version, "1.3");
  EXPECT_EQ(c->listeners[1].name, "plain");
  EXPECT_EQ(c->listeners[1].port, 80);
  EXPECT_FALSE(c->listeners[1].tls.has_value());
}

TEST(LoaderTest, FullConfigClusters) {
  const ConfigPtr c = loadOk(kFull);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->clusters.size(), 1u);
  const Cluster& k = c->clusters[0];
  EXPECT_EQ(k.name, "platform");
  ASSERT_EQ(k.hosts.size(), 3u);
  EXPECT_EQ(k.hosts[0].host, "127.0.0.1");
  EXPECT_EQ(k.hosts[0].port, 8081);
  EXPECT_EQ(k.hosts[1].host, "db.example.org");
  EXPECT_EQ(k.hosts[1].port, 5432);
  EXPECT_EQ(k.hosts[2].host, "::1");
  EXPECT_EQ(k.hosts[2].port, 8080);
  EXPECT_EQ(k.connect_timeout, Millis(21));
  EXPECT_EQ(k.request_timeout, Millis(22));
  EXPECT_EQ(k.max_idle_per_host, 23u);
  EXPECT_EQ(k.retry.max_retries, 3u);
  EXPECT_DOUBLE_EQ(k.retry.budget_percent, 12.5);
  EXPECT_EQ(k.retry.min_retry_concurrency, 7u);
  EXPECT_FALSE(k.retry.retry_on_5xx);
  EXPECT_EQ(k.circuit_breaker.max_pending, 31u);
  EXPECT_EQ(k.circuit_breaker.max_active, 32u);
  EXPECT_EQ(k.outlier.consecutive_5xx, 0u);
  EXPECT_EQ(k.outlier.base_ejection, Millis(41));
  ASSERT_TRUE(k.tls.has_value());
  EXPECT_EQ(k.tls->ca_file, "up-ca.pem");
  EXPECT_EQ(k.tls->server_name, "db.example.org");
  EXPECT_EQ(k.tls->cert_file, "up.pem");
  EXPECT_EQ(k.tls->key_file, "up.key");
  EXPECT_EQ(c->findCluster("platform"), &k);
}

TEST(LoaderTest, FullConfigRoutes) {
  const ConfigPtr c = loadOk(kFull);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->routes.size(), 3u);
  const Route& r = c->routes[0];
  EXPECT_EQ(r.name, "hospital");
  EXPECT_THAT(r.methods, ElementsAre("GET", "POST"));
  EXPECT_EQ(r.path, "/v1/hospitals/{id}");
  EXPECT_EQ(r.match, PathMatch::kTemplate);
  EXPECT_EQ(r.cluster, "platform");
  EXPECT_EQ(r.handler, "");
  EXPECT_THAT(r.listeners, ElementsAre("public", "plain"));
  EXPECT_EQ(r.timeout, Millis(51));
  EXPECT_EQ(c->routes[1].name, "/healthz");
  EXPECT_EQ(c->routes[1].match, PathMatch::kExact);
  EXPECT_EQ(c->routes[1].handler, "healthz");
  EXPECT_EQ(c->routes[1].cluster, "");
  EXPECT_EQ(c->routes[2].match, PathMatch::kPrefix);
  EXPECT_EQ(c->routes[2].prefix_rewrite, "/v1/");
}

TEST(LoaderTest, DefaultsWhenOmitted) {
  const ConfigPtr c = loadOk(std::string(kMinimal) + R"(clusters:
  - name: up
    hosts: ["127.0.0.1:1"]
routes:
  - path: /x
    cluster: up
)");
  ASSERT_NE(c, nullptr);
  const Config d;
  EXPECT_EQ(c->workers, 0u);
  EXPECT_EQ(c->log_level, "info");
  EXPECT_TRUE(c->access_log);
  EXPECT_EQ(c->access_log_path, "-");
  EXPECT_EQ(c->node_name, "metrogw");
  EXPECT_EQ(c->admin.address, "127.0.0.1");
  EXPECT_EQ(c->admin.port, 9901);
  EXPECT_EQ(c->limits.max_header_bytes, d.limits.max_header_bytes);
  EXPECT_EQ(c->limits.drain_timeout, d.limits.drain_timeout);
  EXPECT_EQ(c->listeners[0].address, "0.0.0.0");
  EXPECT_EQ(c->listeners[0].port, 0);
  EXPECT_FALSE(c->listeners[0].tls.has_value());
  const Cluster& k = c->clusters[0];
  EXPECT_EQ(k.connect_timeout, Millis(1'000));
  EXPECT_EQ(k.request_timeout, Millis(15'000));
  EXPECT_EQ(k.retry.max_retries, 1u);
  EXPECT_DOUBLE_EQ(k.retry.budget_percent, 20.0);
  EXPECT_FALSE(k.tls.has_value());
  const Route& r = c->routes[0];
  EXPECT_EQ(r.name, "/x");
  EXPECT_TRUE(r.methods.empty());
  EXPECT_TRUE(r.listeners.empty());
  EXPECT_FALSE(r.timeout.has_value());
  EXPECT_EQ(r.prefix_rewrite, "");
}

TEST(LoaderTest, ServerTlsDefaults) {
  const ConfigPtr c = loadOk(std::string(kMinimal) + "    tls: {cert: c.pem, key: k.pem}\n");
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->listeners[0].tls.has_value());
  EXPECT_TRUE(c->listeners[0].tls->session_tickets);
  EXPECT_EQ(c->listeners[0].tls->min_version, "1.2");
  EXPECT_EQ(c->listeners[0].tls->client_ca_file, "");
}

TEST(LoaderTest, MatchInferredFromPath) {
  const ConfigPtr c = loadOk(std::string(kMinimal) + R"(routes:
  - {path: "/v1/hospitals/{id}", handler: healthz}
  - {path: /v1/, handler: healthz}
  - {path: /healthz, match: exact, handler: healthz}
  - {path: "/v1/{a}/x/{b_2}", handler: node_info}
)");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->routes[0].match, PathMatch::kTemplate);
  EXPECT_EQ(c->routes[1].match, PathMatch::kPrefix);
  EXPECT_EQ(c->routes[2].match, PathMatch::kExact);
  EXPECT_EQ(c->routes[3].match, PathMatch::kTemplate);
}

TEST(LoaderTest, PortZeroMayRepeat) {
  EXPECT_NE(loadOk(std::string(kMinimal) + "  - {name: second, port: 0}\n"), nullptr);
}

TEST(LoaderTest, FindClusterReturnsNullForUnknown) {
  Config c;
  c.clusters.resize(2);
  c.clusters[0].name = "a";
  c.clusters[1].name = "b";
  EXPECT_EQ(c.findCluster("b"), &c.clusters[1]);
  EXPECT_EQ(c.findCluster("c"), nullptr);
}

TEST(LoaderTest, ExampleConfigIsValid) {
  const std::string path = std::string(METROGW_SOURCE_DIR) + "/deploy/config/example.yaml";
  LoadOptions options = testing::testOptions();
  options.known_handlers = {"node-info", "openapi"};  // the names the binary registers
  auto result = loadFile(path, options);
  ASSERT_TRUE(result.isOk()) << result.status().message();
  const Config& c = *result.value();
  EXPECT_EQ(c.source, path);
  EXPECT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.clusters.size(), 2u);
  EXPECT_EQ(c.routes.size(), 5u);
  EXPECT_TRUE(c.listeners[0].tls.has_value());
  EXPECT_EQ(c.routes[1].handler, "openapi");
  EXPECT_EQ(c.routes[2].match, PathMatch::kTemplate);
}

// local.yaml is what the README and quickstart tell operators to run as-is: files checked too.
TEST(LoaderTest, LocalConfigRunsAsShipped) {
  const std::string path = std::string(METROGW_SOURCE_DIR) + "/deploy/config/local.yaml";
  LoadOptions options;
  options.known_handlers = {"node-info", "openapi"};
  auto result = loadFile(path, options);
  ASSERT_TRUE(result.isOk()) << result.status().message();
  EXPECT_EQ(result.value()->listeners.at(0).port, 8080);
  EXPECT_EQ(result.value()->routes.back().cluster, "platform");
}

class LoaderFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("metrogw_config_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(LoaderFileTest, LoadFileUsesPathInErrors) {
  const std::string path = write("gw.yaml", "listeners: []\n");
  auto result = loadFile(path, testing::testOptions());
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.status().message(), path + ":1: listeners: at least one listener is required");
}

TEST_F(LoaderFileTest, MissingFileIsAClearError) {
  auto result = loadFile((dir_ / "nope.yaml").string(), testing::testOptions());
  ASSERT_FALSE(result.isOk());
  EXPECT_EQ(result.status().code(), StatusCode::kIoError);
  EXPECT_EQ(result.status().message(),
            (dir_ / "nope.yaml").string() + ": cannot read config file: No such file or directory");
}

TEST_F(LoaderFileTest, DirectoryIsNotAConfigFile) {
  auto result = loadFile(dir_.string(), testing::testOptions());
  ASSERT_FALSE(result.isOk());
  EXPECT_THAT(result.status().message(), HasSubstr("is a directory"));
}

TEST_F(LoaderFileTest, TlsFilesMustExistWhenChecked) {
  const std::string cert = write("c.pem", "x");
  const std::string missing = (dir_ / "k.pem").string();
  const std::string yaml =
      std::string(kMinimal) + "    tls: {cert: " + cert + ", key: " + missing +
      "}\nclusters:\n  - name: up\n    hosts: [\"h:1\"]\n    tls: {ca: " + dir_.string() + "}\n";
  LoadOptions options = testing::testOptions();
  options.check_files = true;
  EXPECT_THAT(
      loadErrors(yaml, options),
      ElementsAre("t.yaml:4: listeners[0].tls.key: cannot read '" + missing + "': No such file or directory",
                  "t.yaml:8: clusters[0].tls.ca: '" + dir_.string() + "' is a directory"));
  options.check_files = false;
  EXPECT_NE(loadOk(yaml, options), nullptr);
}

TEST_F(LoaderFileTest, ReadableTlsFilesPass) {
  const std::string yaml = std::string(kMinimal) + "    tls: {cert: " + write("c.pem", "x") +
                           ", key: " + write("k.pem", "y") + ", client_ca: " + write("ca.pem", "z") + "}\n";
  LoadOptions options = testing::testOptions();
  options.check_files = true;
  EXPECT_NE(loadOk(yaml, options), nullptr);
}

}  // namespace
}  // namespace metrogw::config
