#include "sim/dates.h"

#include <cstdio>
#include <ctime>

namespace metrogw::sim {
namespace {

[[nodiscard]] bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

[[nodiscard]] int monthLength(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

[[nodiscard]] bool digitsAt(std::string_view s, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

StatusOr<Date> parseDate(std::string_view text) {
  Date d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digitsAt(text, 0, 4, d.year) ||
      !digitsAt(text, 5, 2, d.month) || !digitsAt(text, 8, 2, d.day)) {
    return Status::invalidArgument("date: expected YYYY-MM-DD");
  }
  if (d.year < 1900 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > monthLength(d.year, d.month)) {
    return Status::invalidArgument("date: no such day");
  }
  return d;
}

Date todayLocal() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

// H. Hinnant's days_from_civil / civil_from_days.
long daysFromCivil(const Date& d) {
  const int y = d.month <= 2 ? d.year - 1 : d.year;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153L * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civilFromDays(long z) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const long doe = z - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return Date{year, month, day};
}

Date addDays(const Date& d, int days) { return civilFromDays(daysFromCivil(d) + days); }

int weekday(const Date& d) {
  const long z = daysFromCivil(d);
  return static_cast<int>(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

std::string formatDate(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::string formatCompact(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month, d.day);
  return buf;
}

std::string formatLocalTime(const Date& d, int minutes) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:00+08:00", d.year, d.month, d.day, minutes / 60,
                minutes % 60);
  return buf;
}

}  // namespace metrogw::sim

namespace metrogw::sim {

std::string formatChinaTime(std::chrono::system_clock::time_point t) {
  const auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count() + 8LL * 3600;
  const long days = static_cast<long>(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
  const long rem = static_cast<long>(secs - days * 86400LL);
  const Date d = civilFromDays(days);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02ld:%02ld:%02ld+08:00", d.year, d.month, d.day, rem / 3600,
                rem / 60 % 60, rem % 60);
  return buf;
}

}  // namespace metrogw::sim
