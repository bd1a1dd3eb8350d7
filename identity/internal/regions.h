// GB/T 2260 region-code checks for resident ID numbers: province-level codes for the whole country,
// and for Jiangsu (32) and Anhui (34), where the metropolitan area's nine cities are, the 4-digit
// prefecture prefixes that are or ever were in use (historical codes stay valid in ID numbers).
#pragma once

#include <string_view>

namespace metrogw::identity::internal {

enum class RegionCheck {
  kOk,
  kUnknownProvince,    // digits 1-2 are not a province-level code
  kUnknownPrefecture,  // digits 1-4 are not a known prefecture of a province with a table
};

// `region` is the first six characters of an ID number; they must be digits.
[[nodiscard]] RegionCheck checkRegion(std::string_view region);

// True for a 2-digit province-level code (11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82, 83).
[[nodiscard]] bool isProvinceCode(int province);

// True when the province's prefectures are checked (32 Jiangsu, 34 Anhui).
[[nodiscard]] bool hasPrefectureTable(int province);

// True when `prefecture` (4 digits, e.g. 3426) is in the table of current and historical prefectures.
[[nodiscard]] bool isKnownPrefecture(int prefecture);

}  // namespace metrogw::identity::internal
