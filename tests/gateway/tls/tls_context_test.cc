// Tests for loading ServerContext / ClientContext: files, errors that name them, expiry, helpers.
#include "gateway/tls/tls_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>

#include <chrono>
#include <fstream>

#include "tests/gateway/tls/tls_test_util.h"

namespace metrogw::gateway::tls {
namespace {

using ::metrogw::gateway::tls::testing::certPath;
using ::metrogw::gateway::tls::testing::SslPtr;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;

config::ServerTls serverTls(const std::string& cert = "server", const std::string& key = "server") {
  config::ServerTls cfg;
  cfg.cert_file = certPath(cert + ".pem");
  cfg.key_file = certPath(key + ".key");
  return cfg;
}

std::string writeFile(const std::string& name, const std::string& contents) {
  const std::string path = certPath(name);
  std::ofstream(path) << contents;
  return path;
}

int64_t nowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(ServerContextTest, LoadsFreshCertificate) {
  auto ctx = ServerContext::create(serverTls());
  ASSERT_TRUE(ctx.isOk()) << ctx.status().toString();
  EXPECT_NE((*ctx)->native(), nullptr);
  EXPECT_FALSE((*ctx)->mutual());
  EXPECT_GT((*ctx)->secondsUntilExpiry(), 364 * kDay);  // gen_certs.sh issues for 365 days
  EXPECT_LE((*ctx)->secondsUntilExpiry(), 365 * kDay);
  EXPECT_NEAR((*ctx)->notAfterUnixSeconds(), nowUnix() + (*ctx)->secondsUntilExpiry(), 5);
}

TEST(ServerContextTest, ExpiredCertificateStillLoadsWithNegativeExpiry) {
  auto ctx = ServerContext::create(serverTls("expired", "expired"));
  ASSERT_TRUE(ctx.isOk()) << ctx.status().toString();
  EXPECT_LT((*ctx)->secondsUntilExpiry(), 0);
  EXPECT_EQ((*ctx)->notAfterUnixSeconds(), 1577923200);  // 2020-01-02T00:00:00Z
}

TEST(ServerContextTest, ClientCaTurnsOnMutualTls) {
  config::ServerTls cfg = serverTls();
  cfg.client_ca_file = certPath("ca.pem");
  auto ctx = ServerContext::create(cfg);
  ASSERT_TRUE(ctx.isOk()) << ctx.status().toString();
  EXPECT_TRUE((*ctx)->mutual());
  EXPECT_EQ(SSL_CTX_get_verify_mode((*ctx)->native()), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  EXPECT_EQ(SSL_CTX_get_verify_depth((*ctx)->native()), 4);
}

TEST(ServerContextTest, SessionTicketsCanBeTurnedOff) {
  config::ServerTls cfg = serverTls();
  auto with = ServerContext::create(cfg);
  cfg.session_tickets = false;
  auto without = ServerContext::create(cfg);
  ASSERT_TRUE(with.isOk() && without.isOk());
  EXPECT_EQ(SSL_CTX_get_options((*with)->native()) & SSL_OP_NO_TICKET, 0u);
  EXPECT_NE(SSL_CTX_get_options((*without)->native()) & SSL_OP_NO_TICKET, 0u);
}

TEST(ServerContextTest, MissingCertFileIsNamed) {
  config::ServerTls cfg = serverTls();
  cfg.cert_file = certPath("nope.pem");
  auto ctx = ServerContext::create(cfg);
  ASSERT_FALSE(ctx.isOk());
  EXPECT_EQ(ctx.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ctx.status().message(),
              AllOf(HasSubstr("tls: cert file '" + cfg.cert_file + "'"), HasSubstr("No such file")));
}

TEST(ServerContextTest, MissingKeyFileIsNamed) {
  config::ServerTls cfg = serverTls();
  cfg.key_file = certPath("nope.key");
  auto ctx = ServerContext::create(cfg);
  ASSERT_FALSE(ctx.isOk());
  EXPECT_THAT(ctx.status().message(), HasSubstr("tls: key file '" + cfg.key_file + "'"));
}

TEST(ServerContextTest, KeyNotMatchingCertNamesBothFiles) {
  const config::ServerTls cfg = serverTls("server", "client");
  auto ctx = ServerContext::create(cfg);
  ASSERT_FALSE(ctx.isOk());
  EXPECT_THAT(ctx.status().message(),
              AllOf(HasSubstr("key file '" + cfg.key_file + "'"), HasSubstr("does not match"),
                    HasSubstr("cert file '" + cfg.cert_file + "'")));
}

TEST(ServerContextTest, GarbageCertPemIsNamed) {
  config::ServerTls cfg = serverTls();
  cfg.cert_file =
      writeFile("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
  auto ctx = ServerContext::create(cfg);
  ASSERT_FALSE(ctx.isOk());
  EXPECT_THAT(ctx.status().message(), HasSubstr("tls: cert file '" + cfg.cert_file + "'"));
}

TEST(ServerContextTest, GarbageKeyIsNamed) {
  config::ServerTls cfg = serverTls();
  cfg.key_file = writeFile("garbage.key", "hello\n");
  auto ctx = ServerContext::create(cfg);
  ASSERT_FALSE(ctx.isOk());
  EXPECT_THAT(ctx.status().message(), HasSubstr("tls: key file '" + cfg.key_file + "'"));
}

TEST(ServerContextTest, BadClientCaFileIsNamed) {
  config::ServerTls cfg = serverTls();
  cfg.client_ca_file = certPath("nope-ca.pem");
  auto missing = ServerContext::create(cfg);
  ASSERT_FALSE(missing.isOk());
  EXPECT_THAT(missing.status().message(), HasSubstr("tls: client CA file '" + cfg.client_ca_file + "'"));

  cfg.client_ca_file = writeFile("empty-ca.pem", "");
  auto empty = ServerContext::create(cfg);
  ASSERT_FALSE(empty.isOk());
  EXPECT_THAT(empty.status().message(), HasSubstr("tls: client CA file '" + cfg.client_ca_file + "'"));
}

TEST(ServerContextTest, RejectsBadSettings) {
  config::ServerTls cfg = serverTls();
  cfg.min_version = "1.1";
  auto old = ServerContext::create(cfg);
  ASSERT_FALSE(old.isOk());
  EXPECT_THAT(old.status().message(), HasSubstr("min_version '1.1'"));

  cfg = serverTls();
  cfg.key_file.clear();
  EXPECT_FALSE(ServerContext::create(cfg).isOk());
}

TEST(ServerContextTest, MinVersionIsApplied) {
  config::ServerTls cfg = serverTls();
  auto v12 = ServerContext::create(cfg);
  cfg.min_version = "1.3";
  auto v13 = ServerContext::create(cfg);
  ASSERT_TRUE(v12.isOk() && v13.isOk());
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*v12)->native()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_min_proto_version((*v13)->native()), TLS1_3_VERSION);
}

TEST(ClientContextTest, LoadsWithCaFileOrSystemStore) {
  config::UpstreamTls cfg;
  cfg.ca_file = certPath("ca.pem");
  auto with_ca = ClientContext::create(cfg);
  ASSERT_TRUE(with_ca.isOk()) << with_ca.status().toString();
  EXPECT_EQ(SSL_CTX_get_verify_mode((*with_ca)->native()), SSL_VERIFY_PEER);
  auto system = ClientContext::create(config::UpstreamTls{});
  EXPECT_TRUE(system.isOk()) << system.status().toString();
}

TEST(ClientContextTest, MissingCaFileIsNamed) {
  config::UpstreamTls cfg;
  cfg.ca_file = certPath("nope-ca.pem");
  auto ctx = ClientContext::create(cfg);
  ASSERT_FALSE(ctx.isOk());
  EXPECT_THAT(ctx.status().message(), HasSubstr("tls: CA file '" + cfg.ca_file + "'"));
}

TEST(ClientContextTest, ClientCertNeedsMatchingKey) {
  config::UpstreamTls cfg;
  cfg.ca_file = certPath("ca.pem");
  cfg.cert_file = certPath("client.pem");
  EXPECT_FALSE(ClientContext::create(cfg).isOk());  // no key_file
  cfg.key_file = certPath("server.key");
  auto mismatch = ClientContext::create(cfg);
  ASSERT_FALSE(mismatch.isOk());
  EXPECT_THAT(mismatch.status().message(), HasSubstr("does not match"));
  cfg.key_file = certPath("client.key");
  EXPECT_TRUE(ClientContext::create(cfg).isOk());
}

TEST(ClientContextTest, NewSslNeedsAName) {
  config::UpstreamTls cfg;
  cfg.ca_file = certPath("ca.pem");
  auto ctx = ClientContext::create(cfg);
  ASSERT_TRUE(ctx.isOk());
  EXPECT_EQ((*ctx)->newSsl(""), nullptr);
  SslPtr ssl((*ctx)->newSsl("localhost"));
  ASSERT_NE(ssl, nullptr);
  EXPECT_STREQ(SSL_get_servername(ssl.get(), TLSEXT_NAMETYPE_host_name), "localhost");
  SslPtr ip_ssl((*ctx)->newSsl("127.0.0.1"));
  ASSERT_NE(ip_ssl, nullptr);
  EXPECT_EQ(SSL_get_servername(ip_ssl.get(), TLSEXT_NAMETYPE_host_name), nullptr);  // no SNI for IPs
}

TEST(TlsHelpersTest, DrainErrorsJoinsAndEmptiesTheQueue) {
  ERR_clear_error();
  EXPECT_EQ(drainErrors(), "");
  ERR_raise(ERR_LIB_SSL, SSL_R_NO_CERTIFICATE_ASSIGNED);
  ERR_raise_data(ERR_LIB_SSL, SSL_R_UNSUPPORTED_PROTOCOL, "extra %d", 7);
  const std::string errors = drainErrors();
  EXPECT_THAT(errors, AllOf(HasSubstr("no certificate assigned"), HasSubstr("; "),
                            HasSubstr("unsupported protocol"), HasSubstr("(extra 7)")));
  EXPECT_EQ(drainErrors(), "");
}

TEST(TlsHelpersTest, PeerSubjectOfNothingIsEmpty) { EXPECT_EQ(peerSubject(nullptr), ""); }

}  // namespace
}  // namespace metrogw::gateway::tls
