// Small text helpers shared by the identity parsers (ASCII only; no locale).
#pragma once

#include <string>
#include <string_view>

namespace metrogw::identity::internal {

// `s` without surrounding ASCII whitespace and U+3000 IDEOGRAPHIC SPACE (full-width space, common in
// hand-typed Chinese records).
[[nodiscard]] std::string_view trimSpaces(std::string_view s);

[[nodiscard]] inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
[[nodiscard]] inline bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
[[nodiscard]] inline bool isLower(char c) { return c >= 'a' && c <= 'z'; }
[[nodiscard]] inline bool isAlnum(char c) { return isDigit(c) || isUpper(c) || isLower(c); }
[[nodiscard]] inline bool isPrintableAscii(char c) { return c >= 0x20 && c <= 0x7e; }
[[nodiscard]] inline char toUpper(char c) { return isLower(c) ? static_cast<char>(c - 'a' + 'A') : c; }

[[nodiscard]] bool allDigits(std::string_view s);
// Index of the first character of `s` that fails `pred`, or npos.
template <typename Pred>
[[nodiscard]] size_t findFirstNot(std::string_view s, Pred pred) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!pred(s[i])) return i;
  }
  return std::string_view::npos;
}
[[nodiscard]] std::string upperAscii(std::string_view s);
// The digits of s[pos, pos+len) as a number; s must hold digits there.
[[nodiscard]] int digitsValue(std::string_view s, size_t pos, size_t len);

}  // namespace metrogw::identity::internal
