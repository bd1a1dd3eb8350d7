// Calendar helpers for birth dates in resident ID numbers.
#include "identity/internal/dates.h"

#include <chrono>
#include <cstdint>
#include <cstdio>

#include "identity/internal/text.h"

namespace metrogw::identity::internal {

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool isCalendarDate(int year, int month, int day) {
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const int days = kDaysInMonth[month - 1] + (month == 2 && isLeapYear(year) ? 1 : 0);
  return day <= days;
}

bool isYyyymmdd(std::string_view yyyymmdd) {
  return yyyymmdd.size() == 8 && allDigits(yyyymmdd) &&
         isCalendarDate(digitsValue(yyyymmdd, 0, 4), digitsValue(yyyymmdd, 4, 2),
                        digitsValue(yyyymmdd, 6, 2));
}

std::string shanghaiDate(SystemTime now) {
  using namespace std::chrono;
  // Formatting dominates a resident-ID parse; a thread remembers the last day it formatted.
  thread_local int64_t cached_day = INT64_MIN;
  thread_local char cached[16];
  const auto local = floor<days>(now + hours(8));
  const int64_t day = local.time_since_epoch().count();
  if (day != cached_day) {
    const year_month_day ymd{local};
    std::snprintf(cached, sizeof cached, "%04d%02u%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    cached_day = day;
  }
  return cached;
}

}  // namespace metrogw::identity::internal
