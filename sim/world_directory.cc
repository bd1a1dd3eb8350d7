// Organizations, departments, practitioners and schedules of a simulated world.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "adapters/mapping.h"
#include "sim/model_util.h"
#include "sim/random.h"
#include "sim/world.h"

namespace metrogw::sim {
namespace {

// Practitioners per city, shared among hospitals by weight (every department gets one).
[[nodiscard]] int doctorBudget(std::string_view city) { return city == "3201" ? 160 : 60; }

[[nodiscard]] std::string_view departmentName(std::string_view code) {
  for (const auto& d : departmentCatalog()) {
    if (d.code == code) return d.name;
  }
  return code;
}

struct Title {
  std::string_view code;  // GB/T 8561 professional technical post
  std::string_view name;
};

[[nodiscard]] const Title& pickTitle(Rng& rng) {
  static const std::vector<Title> kTitles = {
      {"231", "主任医师"}, {"232", "副主任医师"}, {"233", "主治医师"}, {"234", "医师"}};
  const uint32_t r = rng.below(100);
  return kTitles[r < 25 ? 0 : r < 55 ? 1 : r < 90 ? 2 : 3];
}

[[nodiscard]] model::OrganizationT makeOrganization(const World& w, const HospitalSpec& h, size_t index) {
  char id[32];
  std::snprintf(id, sizeof id, "%sH%02zu", w.city.prefix.c_str(), index + 1);
  model::OrganizationT o;
  o.id = id;
  o.identifiers.push_back(makeIdentifier("urn:metrogw:ids:" + w.city.prefix + ":organization", id));
  o.name = h.name;
  o.city = w.city.prefix;
  o.grade = h.grade;
  o.grade_class = h.grade_class;
  o.type =
      makeCoding("http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider");
  o.address = std::make_unique<model::AddressT>();
  o.address->province = w.city.province;
  o.address->city = w.city.name;
  o.address->country = "CN";
  o.address->text = w.city.province + w.city.name;
  return o;
}

[[nodiscard]] std::unique_ptr<model::CodeableConceptT> departmentConcept(const CityInfo& city,
                                                                         std::string_view code) {
  auto concept_out = std::make_unique<model::CodeableConceptT>();
  const std::string_view name = departmentName(code);
  if (city.department_system.empty()) {
    adapters::mapInto(adapters::Table::kDepartments, adapters::kDepartmentSystem, code, name, *concept_out);
  } else {
    const auto* local = adapters::builtinMap(adapters::Table::kDepartments)
                            .reverse(adapters::kDepartmentSystem, code, city.department_system);
    const std::string local_code = local ? local->code : std::string(code);
    adapters::mapInto(adapters::Table::kDepartments, city.department_system, local_code, name, *concept_out);
  }
  concept_out->text = name;
  return concept_out;
}

[[nodiscard]] model::DepartmentT makeDepartment(const World& w, const model::OrganizationT& org,
                                                std::string_view code) {
  model::DepartmentT d;
  d.id = org.id + "-" + std::string(code);
  d.code = departmentConcept(w.city, code);
  d.name = departmentName(code);
  d.organization = makeRef("Organization", org.id, org.name, w.city.prefix);
  return d;
}

[[nodiscard]] std::string practitionerId(Rng& rng, const std::string& org_id, std::set<std::string>& used) {
  while (true) {
    char id[48];
    std::snprintf(id, sizeof id, "%s-D%05u", org_id.c_str(), rng.below(100000));
    if (used.insert(id).second) return id;
  }
}

void addPractitioner(World& w, Rng& rng, const model::DepartmentT& dept, std::set<std::string>& used) {
  const auto& org = *dept.organization;
  model::PractitionerT p;
  p.id = practitionerId(rng, org.id, used);
  p.identifiers.push_back(makeIdentifier("urn:metrogw:ids:" + w.city.prefix + ":practitioner", p.id));
  p.name = std::make_unique<model::HumanNameT>();
  std::string given;
  p.name->text = chineseName(rng, &p.name->family, &given);
  p.name->given.push_back(given);
  p.gender = rng.chance(55) ? model::Gender::Male : model::Gender::Female;
  const Title& title = pickTitle(rng);
  p.title = makeCoding("urn:metrogw:codes:gbt8561", title.code, title.name);
  p.specialty.push_back(boxed(*dept.code));
  p.organization = boxed(org);
  p.department = makeRef("Department", dept.id, dept.name, w.city.prefix);

  model::ScheduleT s;
  s.id = "S-" + p.id;
  s.service_type.push_back(boxed(*dept.code));
  s.practitioner = makeRef("Practitioner", p.id, p.name->text, w.city.prefix);
  s.department = boxed(*p.department);
  s.organization = boxed(org);
  s.planning_horizon = std::make_unique<model::PeriodT>();
  s.planning_horizon->start = formatDate(w.options.start);
  s.planning_horizon->end = formatDate(addDays(w.options.start, w.options.days - 1));
  w.practitioners.push_back(std::move(p));
  w.schedules.push_back(std::move(s));
}

}  // namespace

Status buildDirectory(const std::vector<HospitalSpec>& hospitals, World& w) {
  double total = 0;
  for (const auto& h : hospitals) total += h.weight;
  Rng rng(w.options.seed, "directory:" + w.city.prefix);
  std::set<std::string> used;
  for (size_t i = 0; i < hospitals.size(); ++i) {
    w.organizations.push_back(makeOrganization(w, hospitals[i], i));
    const auto& org = w.organizations.back();
    const auto codes = departmentsFor(hospitals[i]);
    const size_t first_dept = w.departments.size();
    for (const auto code : codes) w.departments.push_back(makeDepartment(w, org, code));
    const int share =
        static_cast<int>(std::lround(hospitals[i].weight / total * doctorBudget(w.city.prefix)));
    const int doctors = std::max(static_cast<int>(codes.size()), share);
    for (int d = 0; d < doctors; ++d) {
      addPractitioner(w, rng, w.departments[first_dept + static_cast<size_t>(d) % codes.size()], used);
    }
  }
  return Status::ok();
}

}  // namespace metrogw::sim
