#include "consent/internal/time.h"

#include <cctype>
#include <ctime>

namespace metrogw::consent::internal {
namespace {

constexpr int64_t kChinaOffsetMs = 8LL * 3'600'000;

// Reads `n` digits at `pos`; -1 when they are not all digits.
[[nodiscard]] int digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

[[nodiscard]] Status bad(std::string_view text) {
  return Status::invalidArgument("'" + std::string(text.substr(0, 40)) +
                                 "' is not an RFC 3339 date or date-time");
}

[[nodiscard]] int64_t unixMs(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// The zone suffix at `pos` ("Z", "+08:00", "-05:00") in ms east of UTC; false when malformed.
[[nodiscard]] bool zoneOffset(std::string_view s, size_t pos, int64_t& offset_ms) {
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    offset_ms = 0;
    return true;
  }
  if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || s[pos + 3] != ':') return false;
  const int h = digits(s, pos + 1, 2);
  const int m = digits(s, pos + 4, 2);
  if (h < 0 || m < 0 || h > 23 || m > 59) return false;
  offset_ms = (s[pos] == '-' ? -1 : 1) * (h * 3'600'000LL + m * 60'000LL);
  return true;
}

}  // namespace

StatusOr<int64_t> parseTime(std::string_view s) {
  const int year = digits(s, 0, 4);
  const int month = digits(s, 5, 2);
  const int day = digits(s, 8, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || s.size() < 10 || s[4] != '-' ||
      s[7] != '-') {
    return bad(s);
  }
  if (s.size() == 10) return unixMs(year, month, day, 0, 0, 0) - kChinaOffsetMs;
  if (s[10] != 'T' || s.size() < 17 || s[13] != ':') return bad(s);
  const int hour = digits(s, 11, 2);
  const int minute = digits(s, 14, 2);
  int second = 0;
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    second = digits(s, pos + 1, 2);
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) != 0) ++pos;
    }
  }
  int64_t offset_ms = 0;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 ||
      !zoneOffset(s, pos, offset_ms)) {
    return bad(s);
  }
  return unixMs(year, month, day, hour, minute, second) - offset_ms;
}

std::string formatTime(int64_t unix_ms) {
  const auto secs = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  const size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return {buf, n};
}

}  // namespace metrogw::consent::internal
