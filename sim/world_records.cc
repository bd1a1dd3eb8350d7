// Health record summaries (WS/T 500 C0001-like) of a simulated world: problems, allergies,
// medications and recent outpatient encounters per resident.
#include "sim/model_util.h"
#include "sim/random.h"
#include "sim/world.h"

namespace metrogw::sim {
namespace {

constexpr std::string_view kIcd10 = "2.16.156.10011.2.3.3.11";  // ICD-10 (GB/T 14396)

struct ProblemSpec {
  std::string_view code;
  std::string_view name;
  std::string_view drug;  // a usual medication, empty when none
  std::string_view dose;
};

[[nodiscard]] const std::vector<ProblemSpec>& problemSpecs() {
  static const std::vector<ProblemSpec> kAll = {
      {"I10", "原发性高血压", "苯磺酸氨氯地平片", "5mg"}, {"E11.9", "2型糖尿病", "盐酸二甲双胍片", "0.5g"},
      {"J45.9", "哮喘", "布地奈德吸入剂", "200ug"},       {"M17.9", "膝关节病", "塞来昔布胶囊", "200mg"},
      {"K29.7", "胃炎", "奥美拉唑肠溶胶囊", "20mg"},      {"E78.5", "高脂血症", "阿托伐他汀钙片", "20mg"}};
  return kAll;
}

void addProblem(model::RecordSummaryT& r, Rng& rng, const Date& start) {
  const auto& spec = rng.pick(problemSpecs());
  const std::string onset = formatDate(addDays(start, -30 - static_cast<int>(rng.below(3000))));
  auto c = std::make_unique<model::ConditionT>();
  c->code = makeConcept(kIcd10, spec.code, spec.name);
  c->onset = onset;
  c->status = "active";
  r.problems.push_back(std::move(c));
  if (spec.drug.empty()) return;
  auto m = std::make_unique<model::MedicationT>();
  m->code = makeConcept("urn:metrogw:codes:drug", spec.code, spec.drug);
  m->dose = spec.dose;
  m->route = makeConcept("2.16.156.10011.2.3.1.158", "1", "口服");
  m->frequency = "qd";
  m->period = std::make_unique<model::PeriodT>();
  m->period->start = onset;
  m->status = "active";
  r.medications.push_back(std::move(m));
}

void addEncounter(World& w, model::RecordSummaryT& r, Rng& rng, int index) {
  const auto& doctor = rng.pick(w.practitioners);
  const Date day = addDays(w.options.start, -1 - static_cast<int>(rng.below(365)));
  auto e = std::make_unique<model::EncounterT>();
  e->id = r.id + "-E" + std::to_string(index + 1);
  e->encounter_class = makeCoding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "门诊");
  e->period = std::make_unique<model::PeriodT>();
  e->period->start = formatLocalTime(day, 9 * 60 + static_cast<int>(rng.below(16)) * 30);
  e->organization = boxed(*doctor.organization);
  e->department = boxed(*doctor.department);
  e->practitioner = makeRef("Practitioner", doctor.id, doctor.name->text, w.city.prefix);
  for (const auto& p : r.problems) e->diagnoses.push_back(boxed(*p->code));
  r.encounters.push_back(std::move(e));
}

[[nodiscard]] model::RecordSummaryT makeSummary(World& w, Rng& rng, const model::PatientT& patient) {
  model::RecordSummaryT r;
  r.id = patient.id + "-RS";
  r.identifiers.push_back(makeIdentifier("urn:metrogw:ids:" + w.city.prefix + ":record", r.id));
  r.title = "健康档案摘要";
  r.effective = formatLocalTime(addDays(w.options.start, -1), 18 * 60);
  r.patient = patientIdentity(patient);
  r.custodian = boxed(*patient.managing_organization);
  const int problems = static_cast<int>(rng.below(3));
  for (int i = 0; i < problems; ++i) addProblem(r, rng, w.options.start);
  if (rng.chance(15)) {
    auto a = std::make_unique<model::AllergyT>();
    a->substance = makeConcept("urn:metrogw:codes:allergen", "PCN", "青霉素");
    a->reaction = "皮疹";
    a->severity = "moderate";
    a->status = "active";
    r.allergies.push_back(std::move(a));
  }
  const int encounters = 1 + static_cast<int>(rng.below(2));
  for (int i = 0; i < encounters; ++i) addEncounter(w, r, rng, i);
  return r;
}

}  // namespace

void buildSummaries(World& w) {
  Rng rng(w.options.seed, "records:" + w.city.prefix);
  for (const auto& patient : w.patients) w.summaries.push_back(makeSummary(w, rng, patient));
}

}  // namespace metrogw::sim
