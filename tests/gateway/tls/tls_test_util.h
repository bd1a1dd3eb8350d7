// Test helpers for gateway/tls: a freshly generated test PKI and an in-memory handshake pump.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace metrogw::gateway::tls::testing {

// Path of `name` (e.g. "server.pem") inside the directory tests/tools/gen_certs.sh filled for this
// test binary. The directory is created before the first test and removed after the last.
[[nodiscard]] std::string certPath(const std::string& name);

struct SslDeleter {
  void operator()(SSL* s) const { SSL_free(s); }
};
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

struct SessionDeleter {
  void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionDeleter>;

struct HandshakeResult {
  bool client_ok = false;
  bool server_ok = false;
  std::string client_error;  // OpenSSL's errors for the side that failed
  std::string server_error;
  [[nodiscard]] bool ok() const { return client_ok && server_ok; }
};

// Joins `client` and `server` with a BIO pair and pumps SSL_do_handshake on both until each side
// has finished or failed. Afterwards the client reads once so that TLS 1.3 session tickets (and a
// late alert from a server that rejected the client's certificate) are processed.
[[nodiscard]] HandshakeResult handshake(SSL* client, SSL* server);

}  // namespace metrogw::gateway::tls::testing
