// OpenSSL server and client contexts: certificate loading, mutual TLS, ALPN, tickets, verification.
#include "gateway/tls/tls_context.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <string_view>

namespace metrogw::gateway::tls {
namespace {

// TLS 1.2 only (1.3 suites are OpenSSL's defaults, all AEAD): forward secrecy and AEAD, nothing else.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr char kGroups[] = "X25519:P-256:P-384";
// ALPN wire format: length-prefixed protocol names.
constexpr unsigned char kAlpnHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
constexpr std::string_view kHttp11 = "http/1.1";
// Binds sessions to this application so a session is only resumed by a metrogw listener; required
// by OpenSSL for resumption whenever client certificates are verified.
constexpr unsigned char kSessionIdContext[] = "metrogw";
constexpr int kClientVerifyDepth = 4;

// "<prefix>: <OpenSSL reason>", never with an empty reason.
Status sslError(const std::string& prefix) {
  std::string reason = drainErrors();
  if (reason.empty()) reason = "unknown OpenSSL error";
  return Status::invalidArgument(prefix + ": " + reason);
}

std::string fileLabel(std::string_view kind, const std::string& path) {
  return "tls: " + std::string(kind) + " file '" + path + "'";
}

StatusOr<int> parseMinVersion(const std::string& v) {
  if (v == "1.2") return TLS1_2_VERSION;
  if (v == "1.3") return TLS1_3_VERSION;
  return Status::invalidArgument("tls: min_version '" + v + R"(': expected "1.2" or "1.3")");
}

// A key protected by a passphrase must fail to load, not prompt on the daemon's terminal.
int refusePassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return 0; }

// Settings both sides share: protocol floor, AEAD-only ciphers, no renegotiation.
StatusOr<SslCtxPtr> newContext(const SSL_METHOD* method, int min_version) {
  SslCtxPtr ctx(SSL_CTX_new(method));
  if (!ctx) return sslError("tls: SSL_CTX_new");
  if (SSL_CTX_set_min_proto_version(ctx.get(), min_version) != 1) return sslError("tls: min version");
  if (SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1) return sslError("tls: cipher list");
  if (SSL_CTX_set1_groups_list(ctx.get(), kGroups) != 1) return sslError("tls: groups");
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_default_passwd_cb(ctx.get(), refusePassphrase);
  return ctx;
}

// Loads a certificate chain and its private key and checks that they belong together.
Status loadCertAndKey(SSL_CTX* ctx, const std::string& cert_file, const std::string& key_file) {
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1) {
    return sslError(fileLabel("cert", cert_file));
  }
  const std::string mismatch = fileLabel("key", key_file) + " does not match cert file '" + cert_file + "'";
  if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    // A key that parses but belongs to another certificate already fails here.
    const bool mismatched = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
    return sslError(mismatched ? mismatch : fileLabel("key", key_file));
  }
  if (SSL_CTX_check_private_key(ctx) != 1) return sslError(mismatch);
  return Status::ok();
}

// kind: "CA" or "client CA", for messages.
Status loadTrustedCa(SSL_CTX* ctx, std::string_view kind, const std::string& ca_file) {
  if (SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) != 1) {
    return sslError(fileLabel(kind, ca_file));
  }
  return Status::ok();
}

// Requires every client to present a certificate chaining to ca_file.
Status requireClientCerts(SSL_CTX* ctx, const std::string& ca_file) {
  RETURN_IF_ERROR(loadTrustedCa(ctx, "client CA", ca_file));
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca_file.c_str());
  if (names == nullptr) return sslError(fileLabel("client CA", ca_file) + ": no certificates");
  SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_verify_depth(ctx, kClientVerifyDepth);
  return Status::ok();
}

// Picks http/1.1 from the client's ALPN list. A client offering only other protocols gets no ALPN
// answer (NOACK) rather than a fatal alert, as most servers do; it then fails at the HTTP layer.
int selectAlpn(SSL* /*ssl*/, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void* /*arg*/) {
  for (unsigned int i = 0; i < inlen;) {
    const unsigned int len = in[i];
    if (len == 0 || i + 1 + len > inlen) break;
    const std::string_view proto(reinterpret_cast<const char*>(in + i + 1), len);
    if (proto == kHttp11) {
      *out = in + i + 1;
      *outlen = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

// Seconds from now until `t` (negative when in the past).
int64_t secondsFromNow(const ASN1_TIME* t) {
  int days = 0;
  int seconds = 0;
  if (ASN1_TIME_diff(&days, &seconds, nullptr, t) != 1) return 0;
  return static_cast<int64_t>(days) * 86400 + seconds;
}

int64_t unixSeconds(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

bool isIpLiteral(const std::string& name) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// Points SNI and certificate name checks at `name` (IP literals: SAN IP check, no SNI per RFC 6066).
bool setPeerName(SSL* ssl, const std::string& name) {
  if (isIpLiteral(name)) {
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) == 1;
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set_tlsext_host_name(ssl, name.c_str()) == 1 && SSL_set1_host(ssl, name.c_str()) == 1;
}

}  // namespace

StatusOr<std::shared_ptr<ServerContext>> ServerContext::create(const config::ServerTls& cfg) {
  ERR_clear_error();
  if (cfg.cert_file.empty() || cfg.key_file.empty()) {
    return Status::invalidArgument("tls: listener needs both cert_file and key_file");
  }
  StatusOr<int> min_version = parseMinVersion(cfg.min_version);
  if (!min_version.isOk()) return min_version.status();
  StatusOr<SslCtxPtr> ctx = newContext(TLS_server_method(), *min_version);
  if (!ctx.isOk()) return ctx.status();
  SSL_CTX* raw = ctx->get();

  RETURN_IF_ERROR(loadCertAndKey(raw, cfg.cert_file, cfg.key_file));
  SSL_CTX_set_alpn_select_cb(raw, selectAlpn, nullptr);
  if (!cfg.session_tickets) SSL_CTX_set_options(raw, SSL_OP_NO_TICKET);
  if (SSL_CTX_set_session_id_context(raw, kSessionIdContext, sizeof(kSessionIdContext) - 1) != 1) {
    return sslError("tls: session id context");
  }

  auto result = std::make_shared<ServerContext>();
  if (!cfg.client_ca_file.empty()) {
    RETURN_IF_ERROR(requireClientCerts(raw, cfg.client_ca_file));
    result->mutual_ = true;
  }
  if (const X509* leaf = SSL_CTX_get0_certificate(raw); leaf != nullptr) {
    result->expiry_seconds_ = secondsFromNow(X509_get0_notAfter(leaf));
    result->not_after_unix_ = unixSeconds(X509_get0_notAfter(leaf));
  }
  result->ctx_ = std::move(*ctx);
  return result;
}

namespace {

// SSL_CTX ex_data slot holding the expected peer subject (a heap std::string freed with the SSL_CTX).
void freeSubject(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
                 void* /*argp*/) {
  delete static_cast<std::string*>(ptr);
}

int subjectIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, freeSubject);
  return index;
}

[[nodiscard]] std::string rfc2253(const X509_NAME* name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : "";
}

// Chain verification as usual; then, for the leaf, the subject must be the expected one.
int verifyExpectedSubject(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok != 1 || X509_STORE_CTX_get_error_depth(store) != 0) return preverify_ok;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return preverify_ok;
  const auto* expected =
      static_cast<const std::string*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), subjectIndex()));
  if (expected == nullptr || expected->empty()) return preverify_ok;
  X509* leaf = X509_STORE_CTX_get_current_cert(store);
  if (leaf == nullptr || rfc2253(X509_get_subject_name(leaf)) != *expected) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  return 1;
}

}  // namespace

StatusOr<std::shared_ptr<ClientContext>> ClientContext::create(const config::UpstreamTls& cfg) {
  ERR_clear_error();
  if (cfg.cert_file.empty() != cfg.key_file.empty()) {
    return Status::invalidArgument("tls: upstream client certificate needs both cert_file and key_file");
  }
  StatusOr<SslCtxPtr> ctx = newContext(TLS_client_method(), TLS1_2_VERSION);
  if (!ctx.isOk()) return ctx.status();
  SSL_CTX* raw = ctx->get();

  if (!cfg.ca_file.empty()) {
    RETURN_IF_ERROR(loadTrustedCa(raw, "CA", cfg.ca_file));
  } else if (SSL_CTX_set_default_verify_paths(raw) != 1) {
    return sslError("tls: system CA store");
  }
  if (cfg.expected_subject.empty()) {
    SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, nullptr);
  } else {
    if (SSL_CTX_set_ex_data(raw, subjectIndex(), new std::string(cfg.expected_subject)) != 1) {
      return sslError("tls: expected subject");
    }
    SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, verifyExpectedSubject);
  }
  if (!cfg.cert_file.empty()) RETURN_IF_ERROR(loadCertAndKey(raw, cfg.cert_file, cfg.key_file));
  // Unlike most of OpenSSL, set_alpn_protos returns 0 on success.
  if (SSL_CTX_set_alpn_protos(raw, kAlpnHttp11, sizeof(kAlpnHttp11)) != 0) return sslError("tls: ALPN");

  auto result = std::make_shared<ClientContext>();
  result->ctx_ = std::move(*ctx);
  result->server_name_ = cfg.server_name;
  return result;
}

SSL* ClientContext::newSsl(const std::string& host) const {
  const std::string& name = server_name_.empty() ? host : server_name_;
  if (name.empty()) return nullptr;  // nothing to verify the peer against: refuse
  SSL* ssl = SSL_new(ctx_.get());
  if (ssl == nullptr) return nullptr;
  if (!setPeerName(ssl, name)) {
    SSL_free(ssl);
    return nullptr;
  }
  return ssl;
}

std::string peerSubject(SSL* ssl) {
  if (ssl == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return "";
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr) return "";
  return rfc2253(X509_get_subject_name(cert));
}

std::string drainErrors() {
  std::string out;
  const char* data = nullptr;
  int flags = 0;
  while (unsigned long code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
    if ((flags & ERR_TXT_STRING) != 0 && data != nullptr && *data != '\0') {
      out += " (";
      out += data;
      out += ")";
    }
  }
  return out;
}

}  // namespace metrogw::gateway::tls
