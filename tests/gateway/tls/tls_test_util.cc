// Generates the test PKI once per binary (a gtest Environment) and pumps in-memory handshakes.
#include "tests/gateway/tls/tls_test_util.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>

#include <cstdlib>
#include <filesystem>

#include "gateway/tls/tls_context.h"

namespace metrogw::gateway::tls::testing {
namespace {

std::string& certDir() {
  static std::string dir;
  return dir;
}

class CertEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "metrogw-tls-test.XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr) << "mkdtemp failed";
    certDir() = tmpl;
    const std::string cmd = std::string("bash '") + METROGW_GEN_CERTS + "' '" + tmpl + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!certDir().empty()) std::filesystem::remove_all(certDir(), ignored);
  }
};

[[maybe_unused]] ::testing::Environment* const kCertEnvironment =
    ::testing::AddGlobalTestEnvironment(new CertEnvironment);

enum class Step { kDone, kWaiting, kFailed };

Step step(SSL* ssl, std::string& error) {
  const int rc = SSL_do_handshake(ssl);
  if (rc == 1) return Step::kDone;
  const int err = SSL_get_error(ssl, rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Step::kWaiting;
  error = drainErrors();
  return Step::kFailed;
}

// Lets the client process what the server sent after its Finished (tickets or an alert).
bool readPostHandshake(SSL* client, std::string& error) {
  char byte = 0;
  const int rc = SSL_read(client, &byte, 1);
  const int err = SSL_get_error(client, rc);
  if (err == SSL_ERROR_WANT_READ) return true;
  error = drainErrors();
  return false;
}

}  // namespace

std::string certPath(const std::string& name) { return certDir() + "/" + name; }

HandshakeResult handshake(SSL* client, SSL* server) {
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  HandshakeResult r;
  if (BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) {
    r.client_error = r.server_error = "BIO_new_bio_pair: " + drainErrors();
    return r;
  }
  SSL_set_bio(client, client_bio, client_bio);  // each SSL now owns its end
  SSL_set_bio(server, server_bio, server_bio);
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);

  Step c = Step::kWaiting;
  Step s = Step::kWaiting;
  for (int round = 0; round < 32 && (c == Step::kWaiting || s == Step::kWaiting); ++round) {
    if (c == Step::kWaiting) c = step(client, r.client_error);
    if (s == Step::kWaiting) s = step(server, r.server_error);
  }
  r.server_ok = s == Step::kDone;
  r.client_ok = c == Step::kDone && readPostHandshake(client, r.client_error);
  return r;
}

}  // namespace metrogw::gateway::tls::testing
