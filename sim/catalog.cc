#include "sim/catalog.h"

#include <algorithm>
#include <cstdlib>

#include "common/embedded.h"

namespace metrogw {
extern const EmbeddedFile kSimData[];
extern const size_t kSimData_count;
}  // namespace metrogw

namespace metrogw::sim {
namespace {

using model::HospitalGrade;

[[nodiscard]] std::string_view embedded(std::string_view name) {
  for (size_t i = 0; i < kSimData_count; ++i) {
    if (kSimData[i].name == name) return kSimData[i].text;
  }
  return {};
}

[[nodiscard]] bool contains(std::string_view s, std::string_view part) { return s.find(part) != s.npos; }

// Nanjing hospitals of district level are secondary; the rest of the list are tertiary.
[[nodiscard]] HospitalGrade nanjingGrade(std::string_view name) {
  for (std::string_view part : {"区", "高淳", "梅山", "同仁", "雨花医院", "职业病", "雨花口腔"}) {
    if (contains(name, part)) return HospitalGrade::Secondary;
  }
  return HospitalGrade::Tertiary;
}

[[nodiscard]] std::vector<std::string_view> splitCsv(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t comma; (comma = line.find(',', start)) != line.npos; start = comma + 1) {
    out.push_back(line.substr(start, comma - start));
  }
  out.push_back(line.substr(start));
  return out;
}

[[nodiscard]] std::vector<HospitalSpec> wuhuHospitals() {
  return {{"皖南医学院弋矶山医院", HospitalGrade::Tertiary, "甲", 30},
          {"芜湖市第一人民医院", HospitalGrade::Tertiary, "甲", 20},
          {"芜湖市第二人民医院", HospitalGrade::Tertiary, "甲", 18},
          {"皖南医学院第二附属医院", HospitalGrade::Tertiary, "乙", 12},
          {"芜湖市中医医院", HospitalGrade::Tertiary, "甲", 10},
          {"芜湖市湾沚区总医院", HospitalGrade::Secondary, "甲", 5}};
}

[[nodiscard]] std::vector<HospitalSpec> maanshanHospitals() {
  return {{"马鞍山市人民医院", HospitalGrade::Tertiary, "甲", 30},
          {"马鞍山市中心医院", HospitalGrade::Tertiary, "乙", 20},
          {"马鞍山市中医院", HospitalGrade::Tertiary, "乙", 12},
          {"马鞍山十七冶医院", HospitalGrade::Secondary, "甲", 10},
          {"马鞍山市妇幼保健院", HospitalGrade::Secondary, "甲", 8},
          {"当涂县人民医院", HospitalGrade::Secondary, "甲", 6}};
}

}  // namespace

StatusOr<CityInfo> cityInfo(std::string_view prefix) {
  if (prefix == "3201") {
    return CityInfo{
        "3201",   "南京市",
        "江苏省", {"320102", "320104", "320105", "320106", "320111", "320113", "320114", "320115"},
        "",       "fhir-r4"};
  }
  if (prefix == "3402") {
    return CityInfo{"3402",
                    "芜湖市",
                    "安徽省",
                    {"340202", "340207", "340209", "340210"},
                    "urn:metrogw:codes:3402:department",
                    "hl7v2"};
  }
  if (prefix == "3405") {
    return CityInfo{"3405",
                    "马鞍山市",
                    "安徽省",
                    {"340503", "340504", "340506", "340521"},
                    "urn:metrogw:codes:3405:department",
                    "hl7v3-cda"};
  }
  return Status::notFound("city: no simulated platform for this prefix (have 3201, 3402, 3405)");
}

std::vector<std::string> simulatedCities() { return {"3201", "3402", "3405"}; }

StatusOr<std::vector<HospitalSpec>> parseBookingCsv(std::string_view csv) {
  std::vector<HospitalSpec> out;
  int line_no = 0;
  while (!csv.empty()) {
    const size_t nl = csv.find('\n');
    std::string_view line = csv.substr(0, nl);
    csv = nl == csv.npos ? std::string_view{} : csv.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line_no == 1) continue;  // header
    const auto cols = splitCsv(line);
    if (cols.size() != 7)
      return Status::invalidArgument("bookings.csv:" + std::to_string(line_no) + ": expected 7 columns");
    HospitalSpec h{std::string(cols[1]), nanjingGrade(cols[1]), "甲",
                   std::atof(std::string(cols[6]).c_str())};
    if (h.weight <= 0) h.weight = 1;
    out.push_back(std::move(h));
  }
  if (out.empty()) return Status::invalidArgument("bookings.csv: no hospitals");
  return out;
}

StatusOr<std::vector<HospitalSpec>> hospitalsOf(std::string_view prefix) {
  if (prefix == "3201") return parseBookingCsv(embedded("nanjing_bookings_2025_03.csv"));
  if (prefix == "3402") return wuhuHospitals();
  if (prefix == "3405") return maanshanHospitals();
  return Status::notFound("city: no hospital list for this prefix");
}

const std::vector<DepartmentSpec>& departmentCatalog() {
  static const std::vector<DepartmentSpec> kAll = {{"03.01", "呼吸内科专业"},
                                                   {"03.02", "消化内科专业"},
                                                   {"03.04", "心血管内科专业"},
                                                   {"04.03", "骨科专业"},
                                                   {"04.01", "普通外科专业"},
                                                   {"03.03", "神经内科专业"},
                                                   {"03.07", "内分泌专业"},
                                                   {"04.04", "泌尿外科专业"},
                                                   {"05", "妇产科"},
                                                   {"07", "儿科"},
                                                   {"10", "眼科"},
                                                   {"11", "耳鼻咽喉科"},
                                                   {"12", "口腔科"},
                                                   {"13", "皮肤科"},
                                                   {"50", "中医科"},
                                                   {"02", "全科医疗科"},
                                                   {"03", "内科"},
                                                   {"04", "外科"}};
  return kAll;
}

std::vector<std::string_view> departmentsFor(const HospitalSpec& h) {
  const std::string_view n = h.name;
  if (contains(n, "口腔")) return {"12"};
  if (contains(n, "眼科")) return {"10"};
  if (contains(n, "皮肤")) return {"13"};
  if (contains(n, "职业病")) return {"03", "03.01"};
  if (contains(n, "儿童")) return {"07", "04.03", "11"};
  if (contains(n, "妇幼")) return {"05", "07"};
  if (contains(n, "肿瘤")) return {"04.01", "03.02", "05", "04.03"};
  if (contains(n, "中医") || contains(n, "中西医")) return {"50", "03", "04.03", "13"};
  std::vector<std::string_view> out;
  const size_t count = h.grade == HospitalGrade::Tertiary ? 15 : 6;  // the first 6 include 04.03
  for (size_t i = 0; i < count && i < departmentCatalog().size(); ++i)
    out.push_back(departmentCatalog()[i].code);
  return out;
}

const std::vector<std::string>& surnames() {
  static const std::vector<std::string> kAll = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                                "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                                "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"};
  return kAll;
}

const std::vector<std::string>& givenNameChars() {
  static const std::vector<std::string> kAll = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                                "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
                                                "刚", "桂", "文", "华", "建", "国", "玉", "红", "志", "晨",
                                                "宁", "浩", "宇", "欣", "婷", "雪", "琳", "佳", "鑫", "博"};
  return kAll;
}

}  // namespace metrogw::sim
