#include "booking/internal/times.h"

#include <chrono>
#include <cstdio>

namespace metrogw::booking::internal {
namespace {

constexpr int64_t kChinaOffsetMinutes = int64_t{8} * 60;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
[[nodiscard]] int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Reads `n` digits at `pos`; -1 when they are not all digits.
[[nodiscard]] int64_t digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

[[nodiscard]] Status bad(std::string_view text) {
  return Status::invalidArgument("'" + std::string(text.substr(0, 40)) +
                                 "' is not an ISO 8601 date or date-time");
}

}  // namespace

StatusOr<int64_t> parseIsoMs(std::string_view t) {
  const int64_t y = digits(t, 0, 4), mo = digits(t, 5, 2), d = digits(t, 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || t[4] != '-' || t[7] != '-') return bad(t);
  int64_t minutes = daysFromCivil(y, mo, d) * 24 * 60;
  int64_t seconds = 0;
  int64_t offset = kChinaOffsetMinutes;
  size_t pos = 10;
  if (t.size() > 10) {
    if (t[10] != 'T' && t[10] != ' ') return bad(t);
    const int64_t h = digits(t, 11, 2), mi = digits(t, 14, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || t.size() < 16 || t[13] != ':') return bad(t);
    minutes += h * 60 + mi;
    pos = 16;
    if (pos < t.size() && t[pos] == ':') {
      seconds = digits(t, pos + 1, 2);
      if (seconds < 0 || seconds > 60) return bad(t);
      pos += 3;
      if (pos < t.size() && t[pos] == '.') {
        ++pos;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
      }
    }
    if (pos < t.size() && t[pos] == 'Z') {
      offset = 0;
      ++pos;
    } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
      const int64_t oh = digits(t, pos + 1, 2), om = digits(t, pos + 4, 2);
      if (oh < 0 || om < 0 || pos + 6 != t.size() || t[pos + 3] != ':') return bad(t);
      offset = (t[pos] == '+' ? 1 : -1) * (oh * 60 + om);
      pos += 6;
    }
  }
  if (pos != t.size()) return bad(t);
  return ((minutes - offset) * 60 + seconds) * 1000;
}

std::string chinaMonth(int64_t unix_ms) {
  using namespace std::chrono;
  constexpr int64_t kChinaOffsetMs = 8LL * 3'600'000;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(unix_ms + kChinaOffsetMs)));
  const year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()));
  return buf;
}

int64_t unixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace metrogw::booking::internal
