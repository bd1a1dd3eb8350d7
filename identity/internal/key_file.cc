// Parser for person-token key files: "<key-id> <key> [sha256|sm3]" lines, "#" comments.
#include "identity/internal/key_file.h"

#include <algorithm>
#include <string>

#include "identity/internal/codec.h"
#include "identity/internal/text.h"

namespace metrogw::identity::internal {
namespace {

constexpr std::string_view kHexPrefix = "hex:";
constexpr std::string_view kBase64Prefix = "base64:";

Status lineError(int line, std::string_view what) {
  return Status::invalidArgument("line " + std::to_string(line) + ": " + std::string(what));
}

bool isSpaceOrTab(char c) { return c == ' ' || c == '\t'; }

// Splits a trimmed line into whitespace-separated fields.
std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && isSpaceOrTab(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !isSpaceOrTab(line[i])) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

// Decodes the key column: "hex:..." / "base64:..." explicitly, otherwise hex when the text is an
// even-length run of hex digits, else base64 (standard or URL-safe, padding optional).
StatusOr<SecretBytes> decodeKey(std::string_view text, int line) {
  bool hex = false;
  if (text.starts_with(kHexPrefix)) {
    hex = true;
    text.remove_prefix(kHexPrefix.size());
  } else if (text.starts_with(kBase64Prefix)) {
    text.remove_prefix(kBase64Prefix.size());
  } else {
    hex = hexDecodedSize(text).has_value();
  }
  const std::optional<size_t> size = hex ? hexDecodedSize(text) : base64DecodedSize(text);
  if (!size) return lineError(line, hex ? "key is not valid hex" : "key is neither hex nor base64");
  if (*size < kMinKeyBytes) {
    return lineError(line, "key is " + std::to_string(*size) + " bytes; at least " +
                               std::to_string(kMinKeyBytes) + " are required");
  }
  if (*size > kMaxKeyBytes)
    return lineError(line, "key is longer than " + std::to_string(kMaxKeyBytes) + " bytes");
  SecretBytes key(*size);
  if (hex) {
    hexDecode(text, {key.data(), key.size()});
  } else {
    base64Decode(text, {key.data(), key.size()});
  }
  return key;
}

StatusOr<MacAlgorithm> parseAlgorithm(std::string_view text, int line) {
  if (text == "sha256") return MacAlgorithm::kHmacSha256;
  if (text == "sm3") {
    if (!macAvailable(MacAlgorithm::kHmacSm3))
      return lineError(line, "sm3 is not available in this OpenSSL build");
    return MacAlgorithm::kHmacSm3;
  }
  return lineError(line, "third column must be sha256 or sm3");
}

StatusOr<KeyLine> parseKeyLine(std::string_view text, int line) {
  const std::vector<std::string_view> fields = splitFields(text);
  if (fields.size() < 2) return lineError(line, "expected \"<key-id> <key> [sha256|sm3]\"");
  if (fields.size() > 3)
    return lineError(line, "too many columns (expected \"<key-id> <key> [sha256|sm3]\")");
  if (!isValidKeyId(fields[0])) return lineError(line, "key id must be 1-16 characters of a-z, 0-9 and '-'");
  KeyLine key_line;
  key_line.id = std::string(fields[0]);
  key_line.line = line;
  if (fields.size() == 3) {
    ASSIGN_OR_RETURN(key_line.algorithm, parseAlgorithm(fields[2], line));
  }
  ASSIGN_OR_RETURN(key_line.key, decodeKey(fields[1], line));
  return key_line;
}

const KeyLine* findId(const std::vector<KeyLine>& keys, std::string_view id) {
  for (const KeyLine& k : keys) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

}  // namespace

bool isValidKeyId(std::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdLength) return false;
  return findFirstNot(id, [](char c) { return isDigit(c) || isLower(c) || c == '-'; }) ==
         std::string_view::npos;
}

StatusOr<std::vector<KeyLine>> parseKeyFile(std::string_view text) {
  std::vector<KeyLine> keys;
  int line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line;
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    const std::string_view content = trimSpaces(raw);
    if (content.empty() || content.front() == '#') continue;
    ASSIGN_OR_RETURN(KeyLine key, parseKeyLine(content, line));
    if (const KeyLine* first = findId(keys, key.id)) {
      return lineError(line, "duplicate key id (first defined on line " + std::to_string(first->line) + ")");
    }
    if (keys.size() == kMaxKeys) return lineError(line, "more than " + std::to_string(kMaxKeys) + " keys");
    keys.push_back(std::move(key));
  }
  if (keys.empty()) {
    return line == 0 ? lineError(1, "key file is empty")
                     : lineError(line, "no keys (expected \"<key-id> <key>\" lines)");
  }
  return keys;
}

}  // namespace metrogw::identity::internal
