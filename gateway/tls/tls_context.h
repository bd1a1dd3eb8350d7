// OpenSSL contexts for listeners (server, optionally mutual TLS) and upstream clusters (client).
//
// Contexts are immutable after create() and shared by every worker (SSL_CTX is thread-safe for
// creating SSL objects), so session tickets issued by one worker resume on another.
#pragma once

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "config/config.h"

namespace metrogw::gateway::tls {

struct SslCtxDeleter {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;

class ServerContext {
 public:
  // Loads certificate chain and key (checks they match), TLS >= min_version, ALPN http/1.1,
  // session tickets on/off, and when client_ca_file is set: SSL_VERIFY_PEER |
  // SSL_VERIFY_FAIL_IF_NO_PEER_CERT against that CA. Errors name the file and OpenSSL's reason.
  [[nodiscard]] static StatusOr<std::shared_ptr<ServerContext>> create(const config::ServerTls& cfg);
  [[nodiscard]] SSL_CTX* native() const { return ctx_.get(); }
  [[nodiscard]] bool mutual() const { return mutual_; }
  // Seconds until the leaf certificate's notAfter (negative when expired), measured at create().
  [[nodiscard]] int64_t secondsUntilExpiry() const { return expiry_seconds_; }
  // The leaf certificate's notAfter as Unix seconds: a gauge of this stays right for a long-lived
  // context, where secondsUntilExpiry() goes stale.
  [[nodiscard]] int64_t notAfterUnixSeconds() const { return not_after_unix_; }

 private:
  SslCtxPtr ctx_;
  bool mutual_ = false;
  int64_t expiry_seconds_ = 0;
  int64_t not_after_unix_ = 0;
};

class ClientContext {
 public:
  // Verifies upstream certificates against ca_file (system store when empty), optional client cert.
  [[nodiscard]] static StatusOr<std::shared_ptr<ClientContext>> create(const config::UpstreamTls& cfg);
  [[nodiscard]] SSL_CTX* native() const { return ctx_.get(); }
  // A new SSL for one upstream connection: SNI and hostname/IP verification set to server_name
  // (cfg.server_name, or `host` when that is empty). Caller owns the result.
  [[nodiscard]] SSL* newSsl(const std::string& host) const;

 private:
  SslCtxPtr ctx_;
  std::string server_name_;
};

// The verified peer certificate's subject as an RFC 2253 string ("CN=wuhu-platform,O=..."), or ""
// when the peer sent none.
[[nodiscard]] std::string peerSubject(SSL* ssl);

// OpenSSL's error queue drained into one line (for logs and Status messages).
[[nodiscard]] std::string drainErrors();

}  // namespace metrogw::gateway::tls
