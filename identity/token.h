// Person tokens: keyed pseudonyms for identifiers, safe to store in Redis, put in URL paths and log.
//
// A token is HMAC(key, subject) — HMAC-SHA256, or HMAC-SM3 for keys marked "sm3" — written as
//   <key-id> "." <base64url without padding of the 32-byte MAC>      e.g. "k2025a.Zm9v...43 chars"
// The subject of an identifier is tokenSubject(TypedId): "<oid>|<normalised value>" (hospital-local
// numbers: "<oid>|<assigner>|<value>"), so equal numbers of different kinds give different tokens.
//
// Key file (Keyring::loadFile). Text, one key per line:
//     # comment lines and blank lines are ignored
//     <key-id> <key> [sha256|sm3]
//   key-id  1-16 characters of a-z, 0-9 and '-'; unique in the file
//   key     at least 32 bytes (at most 1024): hex (an even-length run of hex digits) or base64
//           (standard or URL-safe alphabet, padding optional); prefix "hex:" or "base64:" to say which
//   third   optional MAC: sha256 (default) or sm3 (HMAC-SM3, where OpenSSL provides SM3)
// The FIRST key is current: token() uses it. The others are previous keys, still accepted during a
// rotation: allTokens() gives the subject's token under every key (current first) so lookups find
// records tokenised before the rotation. Rotate by putting the new key on top, re-tokenising stored
// records, then removing the old line.
// loadFile refuses a file that "other" users may read or write (mode & 006), an empty file, a file
// without keys, duplicate ids, short keys and bad encodings. Every error names the line, never the key.
// Generate a key with: printf 'k%s %s\n' "$(date +%Y%m)" "$(openssl rand -hex 32)"
//
// A Keyring is immutable and cheap to copy (copies share the keys); use it from any thread. Key bytes
// are wiped (OPENSSL_cleanse) when the last copy is destroyed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "identity/identifiers.h"

namespace metrogw::identity {

class Keyring {
 public:
  // Errors: ioError (cannot open/read), invalidArgument ("<path>: line N: what", permissions).
  [[nodiscard]] static StatusOr<Keyring> loadFile(const std::string& path);
  // The key file format from text (tests, fuzzing); errors are "line N: what".
  [[nodiscard]] static StatusOr<Keyring> parse(std::string_view text);

  // Token of `subject` under the current key. Empty only if OpenSSL fails (out of memory).
  [[nodiscard]] std::string token(std::string_view subject) const;
  // Token of `subject` under every key, current first.
  [[nodiscard]] std::vector<std::string> allTokens(std::string_view subject) const;
  // True when `token` is the subject's token under one of the keys (constant-time MAC comparison).
  [[nodiscard]] bool matches(std::string_view token, std::string_view subject) const;

  [[nodiscard]] const std::string& currentKeyId() const;
  [[nodiscard]] bool knowsKeyId(std::string_view kid) const;
  [[nodiscard]] size_t size() const;  // number of keys

 private:
  struct Impl;
  explicit Keyring(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  friend std::string keyedDigest(const Keyring&, std::string_view, std::string_view);

  std::shared_ptr<const Impl> impl_;
};

struct TokenParts {
  std::string key_id;
  std::string mac;  // the 32 raw MAC bytes
};

// Splits and checks a token's format (key id syntax, 43 base64url characters decoding to 32 bytes);
// says nothing about whether any key made it. Errors are invalidArgument and never echo the token.
[[nodiscard]] StatusOr<TokenParts> parseToken(std::string_view token);

// The token subject of an identifier: "<oid>|<value>", or "<oid>|<assigner>|<value>" for
// hospital-local numbers.
[[nodiscard]] std::string tokenSubject(const TypedId& id);

// A short pseudonym for other personal values in logs (names, phone numbers): the first 16 hex
// characters of HMAC(current key, purpose || 0x00 || value). `purpose` ("name", "phone", ...) keeps
// digests of different fields apart. Not a lookup key: 64 bits, and it changes with the current key.
[[nodiscard]] std::string keyedDigest(const Keyring& keyring, std::string_view purpose,
                                      std::string_view value);

}  // namespace metrogw::identity
