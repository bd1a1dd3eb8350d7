// Real TLS handshakes between ServerContext and ClientContext over in-memory BIO pairs: server
// verification by name and IP, mutual TLS, protocol floor, ALPN and session resumption.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include <functional>
#include <memory>
#include <string>

#include "gateway/tls/tls_context.h"
#include "tests/gateway/tls/tls_test_util.h"

namespace metrogw::gateway::tls {
namespace {

using ::metrogw::gateway::tls::testing::certPath;
using ::metrogw::gateway::tls::testing::handshake;
using ::metrogw::gateway::tls::testing::HandshakeResult;
using ::metrogw::gateway::tls::testing::SessionPtr;
using ::metrogw::gateway::tls::testing::SslPtr;
using ::testing::AllOf;
using ::testing::HasSubstr;

class HandshakeTest : public ::testing::Test {
 protected:
  std::shared_ptr<ServerContext> makeServer(const std::string& client_ca = "",
                                            const std::string& leaf = "server",
                                            const std::string& min_version = "1.2") {
    config::ServerTls cfg;
    cfg.cert_file = certPath(leaf + ".pem");
    cfg.key_file = certPath(leaf + ".key");
    if (!client_ca.empty()) cfg.client_ca_file = certPath(client_ca);
    cfg.min_version = min_version;
    auto ctx = ServerContext::create(cfg);
    EXPECT_TRUE(ctx.isOk()) << ctx.status().toString();
    return ctx.isOk() ? *ctx : nullptr;
  }

  // client_cert: "" for none, else the base name of a .pem/.key pair from gen_certs.sh.
  std::shared_ptr<ClientContext> makeClient(const std::string& client_cert = "",
                                            const std::string& server_name = "",
                                            const std::string& ca = "ca.pem") {
    config::UpstreamTls cfg;
    cfg.ca_file = certPath(ca);
    cfg.server_name = server_name;
    if (!client_cert.empty()) {
      cfg.cert_file = certPath(client_cert + ".pem");
      cfg.key_file = certPath(client_cert + ".key");
    }
    auto ctx = ClientContext::create(cfg);
    EXPECT_TRUE(ctx.isOk()) << ctx.status().toString();
    return ctx.isOk() ? *ctx : nullptr;
  }

  // One connection: fresh SSLs from both contexts; `tweak` may adjust the client SSL first.
  HandshakeResult connect(const ServerContext& server, const ClientContext& client, const std::string& host,
                          const std::function<void(SSL*)>& tweak = nullptr) {
    client_ssl_.reset(client.newSsl(host));
    server_ssl_.reset(SSL_new(server.native()));
    if (!client_ssl_ || !server_ssl_) {
      ADD_FAILURE() << "SSL creation failed";
      return {};
    }
    if (tweak) tweak(client_ssl_.get());
    return handshake(client_ssl_.get(), server_ssl_.get());
  }

  static std::string alpn(SSL* ssl) {
    const unsigned char* data = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl, &data, &len);
    return data == nullptr ? "" : std::string(reinterpret_cast<const char*>(data), len);
  }

  SslPtr client_ssl_;
  SslPtr server_ssl_;
};

TEST_F(HandshakeTest, ClientVerifiesServerByIp) {
  auto server = makeServer();
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "127.0.0.1");
  ASSERT_TRUE(r.ok()) << r.client_error << " | " << r.server_error;
  EXPECT_EQ(SSL_get_verify_result(client_ssl_.get()), X509_V_OK);
  EXPECT_EQ(SSL_get_servername(server_ssl_.get(), TLSEXT_NAMETYPE_host_name), nullptr);
  EXPECT_STREQ(SSL_get_version(client_ssl_.get()), "TLSv1.3");
  EXPECT_EQ(alpn(client_ssl_.get()), "http/1.1");
  EXPECT_EQ(alpn(server_ssl_.get()), "http/1.1");
  EXPECT_EQ(peerSubject(client_ssl_.get()), "CN=metrogw-test-server");
  EXPECT_EQ(peerSubject(server_ssl_.get()), "");  // not mutual: no client certificate asked for
}

TEST_F(HandshakeTest, ClientVerifiesServerByName) {
  auto server = makeServer();
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "localhost");
  ASSERT_TRUE(r.ok()) << r.client_error << " | " << r.server_error;
  EXPECT_STREQ(SSL_get_servername(server_ssl_.get(), TLSEXT_NAMETYPE_host_name), "localhost");
}

TEST_F(HandshakeTest, ServerNameOverridesHost) {
  auto server = makeServer();
  auto client = makeClient("", "localhost");
  const HandshakeResult r = connect(*server, *client, "10.1.2.3");
  ASSERT_TRUE(r.ok()) << r.client_error << " | " << r.server_error;
  EXPECT_STREQ(SSL_get_servername(server_ssl_.get(), TLSEXT_NAMETYPE_host_name), "localhost");
}

TEST_F(HandshakeTest, WrongServerNameFailsVerification) {
  auto server = makeServer();
  auto client = makeClient("", "records.wuhu.example");
  const HandshakeResult r = connect(*server, *client, "127.0.0.1");
  EXPECT_FALSE(r.client_ok);
  EXPECT_THAT(r.client_error, HasSubstr("certificate verify failed"));
  EXPECT_EQ(SSL_get_verify_result(client_ssl_.get()), X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_F(HandshakeTest, WrongIpFailsVerification) {
  auto server = makeServer();
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "127.0.0.2");
  EXPECT_FALSE(r.client_ok);
  EXPECT_EQ(SSL_get_verify_result(client_ssl_.get()), X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST_F(HandshakeTest, UntrustedServerFailsVerification) {
  auto server = makeServer();
  auto client = makeClient("", "", "rogue-ca.pem");
  const HandshakeResult r = connect(*server, *client, "localhost");
  EXPECT_FALSE(r.client_ok);
  EXPECT_EQ(SSL_get_verify_result(client_ssl_.get()), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_F(HandshakeTest, ExpiredServerFailsVerification) {
  auto server = makeServer("", "expired");
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "localhost");
  EXPECT_FALSE(r.client_ok);
  EXPECT_EQ(SSL_get_verify_result(client_ssl_.get()), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(HandshakeTest, MutualTlsAcceptsClientFromTrustedCa) {
  auto server = makeServer("ca.pem");
  auto client = makeClient("client");
  const HandshakeResult r = connect(*server, *client, "localhost");
  ASSERT_TRUE(r.ok()) << r.client_error << " | " << r.server_error;
  EXPECT_THAT(peerSubject(server_ssl_.get()),
              AllOf(HasSubstr("CN=wuhu-platform"), HasSubstr("O=Wuhu Health Platform")));
  EXPECT_EQ(peerSubject(server_ssl_.get()), "CN=wuhu-platform,O=Wuhu Health Platform");
}

TEST_F(HandshakeTest, MutualTlsRefusesClientWithoutCertificate) {
  auto server = makeServer("ca.pem");
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "localhost");
  EXPECT_FALSE(r.server_ok);
  EXPECT_FALSE(r.client_ok);  // the server's alert reaches the client
  EXPECT_THAT(r.server_error, HasSubstr("peer did not return a certificate"));
  EXPECT_EQ(peerSubject(server_ssl_.get()), "");
}

TEST_F(HandshakeTest, MutualTlsRefusesClientFromRogueCa) {
  auto server = makeServer("ca.pem");
  auto client = makeClient("rogue-client");
  const HandshakeResult r = connect(*server, *client, "localhost");
  EXPECT_FALSE(r.server_ok);
  EXPECT_THAT(r.server_error, HasSubstr("certificate verify failed"));
  EXPECT_EQ(peerSubject(server_ssl_.get()), "");
}

TEST_F(HandshakeTest, MutualTlsRefusesServerCertUsedAsClientCert) {
  auto server = makeServer("ca.pem");
  auto client = makeClient("server");  // right CA, but EKU serverAuth only
  const HandshakeResult r = connect(*server, *client, "localhost");
  EXPECT_FALSE(r.server_ok);
  EXPECT_EQ(SSL_get_verify_result(server_ssl_.get()), X509_V_ERR_INVALID_PURPOSE);
}

TEST_F(HandshakeTest, Tls11ClientIsRefused) {
  auto server = makeServer();
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "localhost", [](SSL* ssl) {
    SSL_set_security_level(ssl, 0);  // OpenSSL 3 clients refuse TLS 1.1 themselves otherwise
    ASSERT_EQ(SSL_set_cipher_list(ssl, "DEFAULT:@SECLEVEL=0"), 1);
    ASSERT_EQ(SSL_set_min_proto_version(ssl, TLS1_1_VERSION), 1);
    ASSERT_EQ(SSL_set_max_proto_version(ssl, TLS1_1_VERSION), 1);
  });
  EXPECT_FALSE(r.server_ok);
  EXPECT_FALSE(r.client_ok);
  EXPECT_THAT(r.server_error, HasSubstr("unsupported protocol"));
}

TEST_F(HandshakeTest, Tls12ClientRefusedWhenMinimumIs13) {
  auto server = makeServer("", "server", "1.3");
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "localhost",
                                    [](SSL* ssl) { SSL_set_max_proto_version(ssl, TLS1_2_VERSION); });
  EXPECT_FALSE(r.server_ok);
  EXPECT_THAT(r.server_error, HasSubstr("unsupported protocol"));
}

TEST_F(HandshakeTest, Tls12UsesEcdheAead) {
  auto server = makeServer();
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "localhost",
                                    [](SSL* ssl) { SSL_set_max_proto_version(ssl, TLS1_2_VERSION); });
  ASSERT_TRUE(r.ok()) << r.client_error << " | " << r.server_error;
  EXPECT_STREQ(SSL_get_version(server_ssl_.get()), "TLSv1.2");
  EXPECT_THAT(SSL_get_cipher_name(server_ssl_.get()), AllOf(HasSubstr("ECDHE-"), HasSubstr("GCM")));
}

TEST_F(HandshakeTest, Tls12NonAeadCipherIsRefused) {
  auto server = makeServer();
  auto client = makeClient();
  const HandshakeResult r = connect(*server, *client, "localhost", [](SSL* ssl) {
    SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
    ASSERT_EQ(SSL_set_cipher_list(ssl, "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA"), 1);
  });
  EXPECT_FALSE(r.server_ok);
  EXPECT_THAT(r.server_error, HasSubstr("no shared cipher"));
}

TEST_F(HandshakeTest, ClientsWithoutAlpnOrWithOtherProtocolsAreAccepted) {
  auto server = makeServer();
  auto client = makeClient();
  HandshakeResult r =
      connect(*server, *client, "localhost", [](SSL* ssl) { SSL_set_alpn_protos(ssl, nullptr, 0); });
  ASSERT_TRUE(r.ok()) << r.client_error << " | " << r.server_error;
  EXPECT_EQ(alpn(server_ssl_.get()), "");

  static constexpr unsigned char kH2AndHttp11[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  r = connect(*server, *client, "localhost",
              [](SSL* ssl) { SSL_set_alpn_protos(ssl, kH2AndHttp11, sizeof(kH2AndHttp11)); });
  ASSERT_TRUE(r.ok()) << r.client_error << " | " << r.server_error;
  EXPECT_EQ(alpn(client_ssl_.get()), "http/1.1");

  static constexpr unsigned char kH2Only[] = {2, 'h', '2'};
  r = connect(*server, *client, "localhost",
              [](SSL* ssl) { SSL_set_alpn_protos(ssl, kH2Only, sizeof(kH2Only)); });
  ASSERT_TRUE(r.ok()) << r.client_error << " | " << r.server_error;
  EXPECT_EQ(alpn(client_ssl_.get()), "");
}

// Handshakes twice, offering the first connection's session on the second.
class ResumptionTest : public HandshakeTest {
 protected:
  // Returns SSL_session_reused() of the second connection, or -1 when a handshake failed.
  int resume(const ServerContext& server, const ClientContext& client, int max_version) {
    const auto cap = [max_version](SSL* ssl) { SSL_set_max_proto_version(ssl, max_version); };
    HandshakeResult first = connect(server, client, "localhost", cap);
    if (!first.ok()) return -1;
    first_session_.reset(SSL_get1_session(client_ssl_.get()));
    if (!first_session_) return -1;
    // Close cleanly: SSL_free() without SSL_shutdown() marks the session not resumable.
    SSL_shutdown(client_ssl_.get());
    SSL_shutdown(server_ssl_.get());
    const HandshakeResult second = connect(server, client, "localhost", [&](SSL* ssl) {
      cap(ssl);
      SSL_set_session(ssl, first_session_.get());
    });
    return second.ok() ? SSL_session_reused(client_ssl_.get()) : -1;
  }
  SessionPtr first_session_;
};

TEST_F(ResumptionTest, Tls13TicketResumes) {
  auto server = makeServer();
  auto client = makeClient();
  EXPECT_EQ(resume(*server, *client, TLS1_3_VERSION), 1);
  EXPECT_EQ(SSL_session_reused(server_ssl_.get()), 1);
}

TEST_F(ResumptionTest, Tls12TicketResumes) {
  auto server = makeServer();
  auto client = makeClient();
  EXPECT_EQ(resume(*server, *client, TLS1_2_VERSION), 1);
  EXPECT_EQ(SSL_SESSION_has_ticket(first_session_.get()), 1);
}

TEST_F(ResumptionTest, MutualTlsResumesAndKeepsPeerSubject) {
  auto server = makeServer("ca.pem");
  auto client = makeClient("client");
  EXPECT_EQ(resume(*server, *client, TLS1_3_VERSION), 1);
  EXPECT_EQ(peerSubject(server_ssl_.get()), "CN=wuhu-platform,O=Wuhu Health Platform");
}

TEST_F(ResumptionTest, WithoutTicketsNoTicketIsIssued) {
  config::ServerTls cfg;
  cfg.cert_file = certPath("server.pem");
  cfg.key_file = certPath("server.key");
  cfg.session_tickets = false;
  auto server = ServerContext::create(cfg);
  ASSERT_TRUE(server.isOk());
  auto client = makeClient();
  // TLS 1.2 then resumes from the server's session-id cache instead of a ticket.
  EXPECT_EQ(resume(**server, *client, TLS1_2_VERSION), 1);
  EXPECT_EQ(SSL_SESSION_has_ticket(first_session_.get()), 0);
}

}  // namespace
}  // namespace metrogw::gateway::tls
