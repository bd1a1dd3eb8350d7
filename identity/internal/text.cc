// Small text helpers shared by the identity parsers.
#include "identity/internal/text.h"

namespace metrogw::identity::internal {
namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";

bool isAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

}  // namespace

std::string_view trimSpaces(std::string_view s) {
  for (;;) {
    if (!s.empty() && isAsciiSpace(s.front())) {
      s.remove_prefix(1);
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!s.empty() && isAsciiSpace(s.back())) {
      s.remove_suffix(1);
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return s;
}

bool allDigits(std::string_view s) { return findFirstNot(s, isDigit) == std::string_view::npos; }

std::string upperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = toUpper(c);
  return out;
}

int digitsValue(std::string_view s, size_t pos, size_t len) {
  int value = 0;
  for (size_t i = pos; i < pos + len; ++i) value = value * 10 + (s[i] - '0');
  return value;
}

}  // namespace metrogw::identity::internal
