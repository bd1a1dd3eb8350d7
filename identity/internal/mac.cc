// MacKey: HMAC through OpenSSL 3's EVP_MAC with a keyed prototype context per key.
#include "identity/internal/mac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <string>

namespace metrogw::identity::internal {
namespace {

const char* digestName(MacAlgorithm algorithm) {
  return algorithm == MacAlgorithm::kHmacSm3 ? "SM3" : "SHA256";
}

// The HMAC implementation, fetched once per process (thread-safe static init).
EVP_MAC* hmac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  return mac;
}

}  // namespace

bool macAvailable(MacAlgorithm algorithm) {
  EVP_MD* md = EVP_MD_fetch(nullptr, digestName(algorithm), nullptr);
  EVP_MD_free(md);
  return md != nullptr && hmac() != nullptr;
}

void MacKey::CtxDeleter::operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }

StatusOr<MacKey> MacKey::create(MacAlgorithm algorithm, const SecretBytes& key) {
  if (!macAvailable(algorithm)) {
    return Status::invalidArgument(std::string("HMAC-") + digestName(algorithm) +
                                   " is not available in this OpenSSL build");
  }
  CtxPtr ctx(EVP_MAC_CTX_new(hmac()));
  if (!ctx) return Status::internal("EVP_MAC_CTX_new failed");
  std::string digest = digestName(algorithm);
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
                               OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    return Status::internal("EVP_MAC_init failed");
  }
  return MacKey(algorithm, std::move(ctx));
}

bool MacKey::compute(std::string_view message, MacBytes& out) const {
  const CtxPtr ctx(EVP_MAC_CTX_dup(prototype_.get()));
  if (!ctx) return false;
  size_t written = 0;
  return EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(message.data()), message.size()) ==
             1 &&
         EVP_MAC_final(ctx.get(), out.data(), &written, out.size()) == 1 && written == out.size();
}

}  // namespace metrogw::identity::internal
