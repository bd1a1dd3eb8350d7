// Civil dates for the simulated worlds: parsing, day arithmetic and ISO 8601 text (+08:00).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace metrogw::sim {

struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;
  friend bool operator==(const Date&, const Date&) = default;
};

// "YYYY-MM-DD", validated (month length, leap years).
[[nodiscard]] StatusOr<Date> parseDate(std::string_view text);
// Today in the process's local time zone.
[[nodiscard]] Date todayLocal();

[[nodiscard]] long daysFromCivil(const Date& d);
[[nodiscard]] Date civilFromDays(long days);
[[nodiscard]] Date addDays(const Date& d, int days);
// 0 = Sunday ... 6 = Saturday.
[[nodiscard]] int weekday(const Date& d);

[[nodiscard]] std::string formatDate(const Date& d);                    // 2025-03-10
[[nodiscard]] std::string formatCompact(const Date& d);                 // 20250310
[[nodiscard]] std::string formatLocalTime(const Date& d, int minutes);  // 2025-03-10T08:30:00+08:00

}  // namespace metrogw::sim

namespace metrogw::sim {
// A wall-clock time as China Standard Time: 2025-03-10T08:30:05+08:00.
[[nodiscard]] std::string formatChinaTime(std::chrono::system_clock::time_point t);
}  // namespace metrogw::sim
