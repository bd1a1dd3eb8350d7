// Hex and base64 codecs for key files and tokens.
#include "identity/internal/codec.h"

namespace metrogw::identity::internal {
namespace {

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kHexDigits[] = "0123456789abcdef";

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class Alphabet { kUnknown, kStandard, kUrl };

// Value of a base64 character, or -1; records which alphabet the '+/' vs '-_' characters belong to.
int base64Value(char c, Alphabet& alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  const bool standard = c == '+' || c == '/';
  const bool url = c == '-' || c == '_';
  if (!standard && !url) return -1;
  const Alphabet seen = standard ? Alphabet::kStandard : Alphabet::kUrl;
  if (alphabet != Alphabet::kUnknown && alphabet != seen) return -1;
  alphabet = seen;
  return (c == '+' || c == '-') ? 62 : 63;
}

// `text` without correct trailing padding, or nullopt when the padding is wrong.
std::optional<std::string_view> stripPadding(std::string_view text) {
  size_t pad = 0;
  while (pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  if (pad == 0) return text;
  if (pad > 2 || text.size() % 4 != 0) return std::nullopt;
  return text.substr(0, text.size() - pad);
}

}  // namespace

std::optional<size_t> hexDecodedSize(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  for (char c : hex) {
    if (hexValue(c) < 0) return std::nullopt;
  }
  return hex.size() / 2;
}

void hexDecode(std::string_view hex, std::span<uint8_t> out) {
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>(hexValue(hex[2 * i]) << 4 | hexValue(hex[2 * i + 1]));
  }
}

std::optional<size_t> base64DecodedSize(std::string_view text) {
  const auto body = stripPadding(text);
  if (!body || body->size() % 4 == 1) return std::nullopt;
  Alphabet alphabet = Alphabet::kUnknown;
  for (char c : *body) {
    if (base64Value(c, alphabet) < 0) return std::nullopt;
  }
  // The bits of the last character beyond the decoded bytes must be zero (canonical encoding).
  const size_t tail = body->size() % 4;
  if (tail != 0) {
    const int last = base64Value(body->back(), alphabet);
    const int unused_mask = tail == 2 ? 0x0f : 0x03;
    if ((last & unused_mask) != 0) return std::nullopt;
  }
  return body->size() / 4 * 3 + (tail == 0 ? 0 : tail - 1);
}

void base64Decode(std::string_view text, std::span<uint8_t> out) {
  const std::string_view body = stripPadding(text).value_or(std::string_view{});
  Alphabet alphabet = Alphabet::kUnknown;
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (char c : body) {
    acc = (acc << 6) | static_cast<uint32_t>(base64Value(c, alphabet));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (n < out.size()) out[n++] = static_cast<uint8_t>(acc >> bits);
    }
  }
}

std::string base64UrlEncode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kUrlAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kUrlAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

std::string hexEncode(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0f]);
  }
  return out;
}

}  // namespace metrogw::identity::internal
