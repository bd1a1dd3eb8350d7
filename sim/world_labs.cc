// Lab reports of a simulated world: panels from sim/lab_panels.cc with values, ranges and flags.
// Nanjing's LIS reports LOINC codes; Wuhu's and Ma'anshan's report local codes (LOINC in `alt`).
#include <cmath>
#include <cstdio>

#include "adapters/mapping.h"
#include "sim/lab_panels.h"
#include "sim/model_util.h"
#include "sim/random.h"
#include "sim/world.h"

namespace metrogw::sim {
namespace {

[[nodiscard]] std::string formatValue(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

[[nodiscard]] std::string localLabSystem(const World& w) {
  return "urn:metrogw:codes:" + w.city.prefix + ":lab-item";
}

[[nodiscard]] std::unique_ptr<model::CodeableConceptT> labConcept(const World& w, std::string_view local,
                                                                  std::string_view loinc,
                                                                  std::string_view name) {
  auto c = std::make_unique<model::CodeableConceptT>();
  if (w.city.prefix == "3201") {
    adapters::mapInto(adapters::Table::kLabItems, adapters::kLoincSystem, loinc, name, *c);
  } else {
    adapters::mapInto(adapters::Table::kLabItems, localLabSystem(w), local, name, *c);
  }
  c->text = name;
  return c;
}

// A value inside the range four times out of five, otherwise 10-40% outside it.
[[nodiscard]] std::unique_ptr<model::ObservationT> makeObservation(const World& w, Rng& rng,
                                                                   const LabItemSpec& item,
                                                                   const std::string& report_id,
                                                                   const std::string& when) {
  auto o = std::make_unique<model::ObservationT>();
  o->id = report_id + "-" + std::string(item.local_code);
  o->code = labConcept(w, item.local_code, item.loinc, item.name);
  o->status = model::ReportStatus::Final;
  o->value_type = model::ValueType::Quantity;
  const double span = item.high - item.low;
  double v = item.low + span * (0.1 + 0.8 * rng.unit());
  o->interpretation = model::Interpretation::Normal;
  if (rng.chance(20)) {
    const bool high = item.low <= 0 || rng.chance(60);
    const double off = span * (0.1 + 0.3 * rng.unit());
    v = high ? item.high + off : std::max(0.0, item.low - off);
    o->interpretation = high ? model::Interpretation::High : model::Interpretation::Low;
  }
  o->value = formatValue(v, item.decimals);
  const char* flag = o->interpretation == model::Interpretation::High  ? "H"
                     : o->interpretation == model::Interpretation::Low ? "L"
                                                                       : "N";
  o->interpretation_code = makeCoding("HL70078", flag, "");
  o->unit = item.unit;
  o->unit_system = "http://unitsofmeasure.org";
  o->reference_range = std::make_unique<model::ReferenceRangeT>();
  o->reference_range->low = formatValue(item.low, item.decimals);
  o->reference_range->high = formatValue(item.high, item.decimals);
  o->reference_range->text = o->reference_range->low + "-" + o->reference_range->high;
  o->reference_range->unit = item.unit;
  o->effective = when;
  return o;
}

void addReport(World& w, Rng& rng, const model::PatientT& patient, int index) {
  const auto& panel = labPanels()[rng.below(static_cast<uint32_t>(labPanels().size()))];
  const auto& doctor = rng.pick(w.practitioners);
  const Date day = addDays(w.options.start, -1 - static_cast<int>(rng.below(90)));
  const int minute = 7 * 60 + 30 + static_cast<int>(rng.below(6)) * 15;
  model::LabReportT r;
  r.id = patient.id + "-LR" + std::to_string(index + 1);
  r.identifiers.push_back(makeIdentifier("urn:metrogw:ids:" + w.city.prefix + ":lab-report", r.id, "FILL"));
  r.status = model::ReportStatus::Final;
  r.code = labConcept(w, panel.local_code, panel.loinc, panel.name);
  r.category = makeConcept("http://terminology.hl7.org/CodeSystem/v2-0074", "LAB", "检验");
  r.patient = patientIdentity(patient);
  r.organization = boxed(*doctor.organization);
  r.performer = makeRef("Organization", doctor.organization->id, doctor.organization->display + "检验科",
                        w.city.prefix);
  r.ordered_by = makeRef("Practitioner", doctor.id, doctor.name->text, w.city.prefix);
  r.effective = formatLocalTime(day, minute);
  r.issued = formatLocalTime(day, minute + 120);
  r.specimen = std::make_unique<model::SpecimenT>();
  r.specimen->id = r.id + "-SP";
  r.specimen->type = makeConcept("HL70487", "BLD", "全血");
  r.specimen->collected = r.effective;
  r.specimen->received = formatLocalTime(day, minute + 20);
  for (const auto& item : panel.items)
    r.observations.push_back(makeObservation(w, rng, item, r.id, r.effective));
  r.department = boxed(*doctor.department);
  w.lab_reports.push_back(std::move(r));
}

}  // namespace

void buildLabReports(World& w) {
  Rng rng(w.options.seed, "labs:" + w.city.prefix);
  for (const auto& patient : w.patients) {
    const int count = static_cast<int>(rng.below(4));
    for (int i = 0; i < count; ++i) addReport(w, rng, patient, i);
  }
}

// The identity part of a patient, as reports carry it.
std::unique_ptr<model::PatientT> patientIdentity(const model::PatientT& p) {
  auto out = std::make_unique<model::PatientT>();
  out->id = p.id;
  for (const auto& id : p.identifiers) out->identifiers.push_back(boxed(*id));
  out->name = boxed(*p.name);
  out->gender = p.gender;
  out->birth_date = p.birth_date;
  out->home_city = p.home_city;
  return out;
}

}  // namespace metrogw::sim
