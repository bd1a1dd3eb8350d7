// Hex and base64 codecs for key files and tokens. Decoders write into a caller-sized buffer (see
// SecretBytes) so decoded key material is never copied or reallocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace metrogw::identity::internal {

// Number of bytes `hex` decodes to, or nullopt when it is not an even-length run of hex digits.
[[nodiscard]] std::optional<size_t> hexDecodedSize(std::string_view hex);
// Decodes `hex` (validated by hexDecodedSize) into `out` (exactly that size).
void hexDecode(std::string_view hex, std::span<uint8_t> out);

// Base64, standard ("+/") or URL-safe ("-_") alphabet (not mixed), "=" padding optional but, when
// present, correct. Non-canonical encodings (non-zero bits in the last character) are refused.
[[nodiscard]] std::optional<size_t> base64DecodedSize(std::string_view text);
void base64Decode(std::string_view text, std::span<uint8_t> out);

// URL-safe base64 without padding.
[[nodiscard]] std::string base64UrlEncode(std::span<const uint8_t> bytes);
// Lower-case hex.
[[nodiscard]] std::string hexEncode(std::span<const uint8_t> bytes);

}  // namespace metrogw::identity::internal
