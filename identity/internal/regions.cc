// Region tables for resident ID numbers (GB/T 2260 codes).
//
// Sources:
//   - province-level codes: GB/T 2260 (current edition) — 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71
//     Taiwan, 81 Hong Kong, 82 Macao; plus 83, the address code of residence permits for Taiwan
//     residents (港澳台居民居住证, 2018: 810000 / 820000 / 830000), which carry GB 11643-format numbers.
//   - Jiangsu and Anhui prefectures: the Ministry of Civil Affairs code lists as published year by year
//     (the cn/GB2260 data set, revisions 198012, 199012, 199512 and the current list). Prefixes seen
//     there are marked with the revision they were read from. 3228, 3229 and 3430 were not seen in
//     those lists but belong to the historical ranges 3221-3229 / 3421-3430 our partners' specification
//     names; accepting a prefix that was never issued only weakens the check, while rejecting a real
//     historical one refuses a real person.
// Numbers keep the code of where the person was registered when the number was issued, so abolished
// prefectures (Chaohu 3426 / 3414, the pre-1983 Jiangsu prefectures 32xx) still appear in live data.
#include "identity/internal/regions.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "identity/internal/text.h"

namespace metrogw::identity::internal {
namespace {

struct Prefecture {
  uint16_t code;
  std::string_view name;
  std::string_view status;
};

// Sorted by code.
constexpr std::array kPrefectures = {
    // Jiangsu 江苏
    Prefecture{3201, "南京市", "current"},
    Prefecture{3202, "无锡市", "current"},
    Prefecture{3203, "徐州市", "current"},
    Prefecture{3204, "常州市", "current"},
    Prefecture{3205, "苏州市", "current"},
    Prefecture{3206, "南通市", "current"},
    Prefecture{3207, "连云港市", "current"},
    Prefecture{3208, "淮安市 (淮阴市 in 199012)", "current"},
    Prefecture{3209, "盐城市", "current"},
    Prefecture{3210, "扬州市", "current"},
    Prefecture{3211, "镇江市", "current"},
    Prefecture{3212, "泰州市", "current"},
    Prefecture{3213, "宿迁市", "current"},
    Prefecture{3221, "徐州地区", "historical (198012)"},
    Prefecture{3222, "淮阴地区", "historical (198012)"},
    Prefecture{3223, "盐城地区", "historical (198012)"},
    Prefecture{3224, "南通地区", "historical (198012)"},
    Prefecture{3225, "扬州地区", "historical (198012)"},
    Prefecture{3226, "镇江地区", "historical (198012)"},
    Prefecture{3227, "苏州地区", "historical (198012)"},
    Prefecture{3228, "(pre-1983 prefecture range)", "historical, not seen in the lists read"},
    Prefecture{3229, "(pre-1983 prefecture range)", "historical, not seen in the lists read"},
    Prefecture{3290, "省直辖县级市 (泰州市, 常熟市, 宿迁市, ...)", "historical (199012)"},
    // Anhui 安徽
    Prefecture{3401, "合肥市", "current"},
    Prefecture{3402, "芜湖市", "current"},
    Prefecture{3403, "蚌埠市", "current"},
    Prefecture{3404, "淮南市", "current"},
    Prefecture{3405, "马鞍山市", "current"},
    Prefecture{3406, "淮北市", "current"},
    Prefecture{3407, "铜陵市", "current"},
    Prefecture{3408, "安庆市", "current"},
    Prefecture{3410, "黄山市", "current"},
    Prefecture{3411, "滁州市", "current"},
    Prefecture{3412, "阜阳市", "current"},
    Prefecture{3413, "宿州市", "current"},
    Prefecture{3414, "巢湖市 (prefecture-level, abolished 2011)", "historical"},
    Prefecture{3415, "六安市", "current"},
    Prefecture{3416, "亳州市", "current"},
    Prefecture{3417, "池州市", "current"},
    Prefecture{3418, "宣城市", "current"},
    Prefecture{3421, "阜阳地区", "historical (198012-199512)"},
    Prefecture{3422, "宿县地区", "historical (198012-199512)"},
    Prefecture{3423, "滁县地区", "historical (198012-199012)"},
    Prefecture{3424, "六安地区", "historical (198012-199512)"},
    Prefecture{3425, "宣城地区", "historical (198012-199512)"},
    Prefecture{3426, "巢湖地区", "historical (198012-199512)"},
    Prefecture{3427, "徽州地区", "historical (198012)"},
    Prefecture{3428, "安庆地区", "historical (198012)"},
    Prefecture{3429, "池州地区", "historical (199012-199512)"},
    Prefecture{3430, "(former prefecture range)", "historical, not seen in the lists read"},
};

constexpr bool sortedByCode() {
  for (size_t i = 1; i < kPrefectures.size(); ++i) {
    if (kPrefectures[i - 1].code >= kPrefectures[i].code) return false;
  }
  return true;
}
static_assert(sortedByCode(), "kPrefectures must stay sorted by code");

}  // namespace

bool isProvinceCode(int province) {
  const int tens = province / 10;
  const int units = province % 10;
  switch (tens) {
    case 1: return units >= 1 && units <= 5;
    case 2: return units >= 1 && units <= 3;
    case 3: return units >= 1 && units <= 7;
    case 4: return units >= 1 && units <= 6;
    case 5: return units >= 0 && units <= 4;
    case 6: return units >= 1 && units <= 5;
    case 7: return units == 1;
    case 8: return units >= 1 && units <= 3;
    default: return false;
  }
}

bool hasPrefectureTable(int province) { return province == 32 || province == 34; }

bool isKnownPrefecture(int prefecture) {
  return std::ranges::binary_search(kPrefectures, prefecture, {},
                                    [](const Prefecture& p) { return static_cast<int>(p.code); });
}

RegionCheck checkRegion(std::string_view region) {
  const int province = digitsValue(region, 0, 2);
  if (!isProvinceCode(province)) return RegionCheck::kUnknownProvince;
  if (hasPrefectureTable(province) && !isKnownPrefecture(digitsValue(region, 0, 4))) {
    return RegionCheck::kUnknownPrefecture;
  }
  return RegionCheck::kOk;
}

}  // namespace metrogw::identity::internal
