// One audit record as a JSON line: formatting, the chain hash and parsing (used by Log, verify,
// query and the shipper). Private to audit/.
//
// Line layout (fixed key order; the hash covers every byte before `,"hash":`):
//   {"seq":N,"time_ms":T,"node":"..",<event fields>,"alg":"sm3","prev":"<64 hex>","hash":"<64 hex>"}\n
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/audit.h"
#include "common/status.h"

namespace metrogw::audit::internal {

enum class HashAlgorithm { kSm3, kSha256 };

inline constexpr size_t kHashHexSize = 64;
inline constexpr std::string_view kHashKey = R"(,"hash":")";
inline constexpr size_t kHashSuffixSize = kHashKey.size() + kHashHexSize + 2;  // + `"}`
[[nodiscard]] const std::string& genesisHash();                                // 64 '0'

[[nodiscard]] StatusOr<HashAlgorithm> parseAlgorithm(std::string_view name);  // "sm3" | "sha256"
[[nodiscard]] std::string_view algorithmName(HashAlgorithm algorithm);
[[nodiscard]] bool algorithmAvailable(HashAlgorithm algorithm);

// Lowercase hex digest of `data`; empty only when OpenSSL fails.
[[nodiscard]] std::string hexDigest(HashAlgorithm algorithm, std::string_view data);

// Appends `s` JSON-escaped (without quotes) to `out`.
void appendEscaped(std::string& out, std::string_view s);

// The full line (with its trailing '\n') for the record at `seq` after `prev`. `hash_out` receives its hash.
[[nodiscard]] std::string formatRecord(uint64_t seq, std::string_view node, const Event& event,
                                       HashAlgorithm algorithm, std::string_view prev, std::string& hash_out);

struct ParsedRecord {
  Record record;
  std::string prev;
  std::string hash;
  HashAlgorithm algorithm = HashAlgorithm::kSm3;
};

// Parses one line (without '\n') and checks its own hash. Errors (malformedMessage) say what is
// wrong ("not JSON", "hash mismatch", ...); `seq_out` gets the line's seq when it can be read.
[[nodiscard]] StatusOr<ParsedRecord> parseRecord(std::string_view line, uint64_t* seq_out = nullptr);

}  // namespace metrogw::audit::internal
