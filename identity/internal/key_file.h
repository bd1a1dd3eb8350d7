// Parser for person-token key files (format documented in identity/token.h).
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "identity/internal/mac.h"
#include "identity/internal/secret.h"

namespace metrogw::identity::internal {

inline constexpr size_t kMinKeyBytes = 32;
inline constexpr size_t kMaxKeyBytes = 1024;
inline constexpr size_t kMaxKeys = 64;
inline constexpr size_t kMaxKeyIdLength = 16;

struct KeyLine {
  std::string id;
  MacAlgorithm algorithm = MacAlgorithm::kHmacSha256;
  SecretBytes key;
  int line = 0;
};

// True for 1..16 characters of [a-z0-9-].
[[nodiscard]] bool isValidKeyId(std::string_view id);

// Every key line of `text`, in file order. Errors: Status::invalidArgument("line N: what"); messages
// never contain key material.
[[nodiscard]] StatusOr<std::vector<KeyLine>> parseKeyFile(std::string_view text);

}  // namespace metrogw::identity::internal
