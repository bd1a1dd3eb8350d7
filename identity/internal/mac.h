// MacKey: one HMAC key (HMAC-SHA256, or HMAC-SM3 where OpenSSL provides SM3) ready to MAC messages.
//
// The key is loaded once into an OpenSSL EVP_MAC_CTX "prototype"; each compute() duplicates it, so a
// MacKey is immutable after create() and compute() may run on many threads at once. OpenSSL wipes its
// copy of the key when the context is freed.
#pragma once

#include <openssl/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "identity/internal/secret.h"

namespace metrogw::identity::internal {

enum class MacAlgorithm { kHmacSha256, kHmacSm3 };

inline constexpr size_t kMacSize = 32;  // both SHA-256 and SM3 give 32 bytes
using MacBytes = std::array<uint8_t, kMacSize>;

// True when this OpenSSL build offers the algorithm (SM3 may be disabled in a build).
[[nodiscard]] bool macAvailable(MacAlgorithm algorithm);

class MacKey {
 public:
  [[nodiscard]] static StatusOr<MacKey> create(MacAlgorithm algorithm, const SecretBytes& key);

  // MAC of `message`; false only when OpenSSL fails (out of memory).
  [[nodiscard]] bool compute(std::string_view message, MacBytes& out) const;

  [[nodiscard]] MacAlgorithm algorithm() const { return algorithm_; }

 private:
  struct CtxDeleter {
    void operator()(EVP_MAC_CTX* ctx) const;
  };
  using CtxPtr = std::unique_ptr<EVP_MAC_CTX, CtxDeleter>;
  MacKey(MacAlgorithm algorithm, CtxPtr prototype)
      : algorithm_(algorithm), prototype_(std::move(prototype)) {}

  MacAlgorithm algorithm_;
  CtxPtr prototype_;  // keyed; never modified after create()
};

}  // namespace metrogw::identity::internal
