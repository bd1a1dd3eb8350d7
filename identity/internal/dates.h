// Calendar helpers for birth dates in resident ID numbers (proleptic Gregorian, no time zones but
// China Standard Time, which has had no daylight saving since 1991).
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"

namespace metrogw::identity::internal {

[[nodiscard]] bool isLeapYear(int year);
[[nodiscard]] bool isCalendarDate(int year, int month, int day);

// True when `yyyymmdd` is 8 digits naming a calendar date.
[[nodiscard]] bool isYyyymmdd(std::string_view yyyymmdd);

// The date at `now` in Asia/Shanghai (UTC+8), as "YYYYMMDD".
[[nodiscard]] std::string shanghaiDate(SystemTime now);

}  // namespace metrogw::identity::internal
