#include "sharing/obligations.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace metrogw::sharing {
namespace {

[[nodiscard]] bool has(const std::vector<std::string>& fields, std::string_view name) {
  return std::find(fields.begin(), fields.end(), name) != fields.end();
}

void dropPatientFields(model::PatientT* patient, const std::vector<std::string>& fields) {
  if (patient == nullptr) return;
  if (has(fields, "patient.address")) patient->address.clear();
  if (has(fields, "patient.telecom")) patient->telecom.clear();
}

void dropObservationNotes(std::vector<std::unique_ptr<model::ObservationT>>& observations) {
  for (auto& o : observations) {
    if (o) o->note.clear();
  }
}

[[nodiscard]] bool conceptHas(const model::CodeableConceptT* c, std::string_view code) {
  if (c == nullptr) return false;
  if (c->coding && c->coding->code == code) return true;
  if (c->text == code) return true;
  return std::any_of(c->alt.begin(), c->alt.end(), [&](const auto& a) { return a && a->code == code; });
}

[[nodiscard]] bool socialHistory(const model::ObservationT& o) {
  return conceptHas(o.code.get(), "29762-2") || conceptHas(o.code.get(), "social-history");
}

}  // namespace

void applyObligations(model::LabReportT& report, const std::vector<std::string>& drop_fields) {
  dropPatientFields(report.patient.get(), drop_fields);
  if (has(drop_fields, "notes")) {
    report.conclusion.clear();
    dropObservationNotes(report.observations);
  }
}

void applyObligations(model::RecordSummaryT& summary, const std::vector<std::string>& drop_fields) {
  dropPatientFields(summary.patient.get(), drop_fields);
  if (has(drop_fields, "notes")) {
    dropObservationNotes(summary.observations);
    for (auto& c : summary.problems) {
      if (c) c->note.clear();
    }
  }
  if (has(drop_fields, "social-history")) {
    auto& obs = summary.observations;
    obs.erase(std::remove_if(obs.begin(), obs.end(), [](const auto& o) { return !o || socialHistory(*o); }),
              obs.end());
  }
}

policy::Category reportCategory(const model::LabReportT& report) {
  static constexpr std::array<std::string_view, 14> kExam = {"RAD", "CT",  "US",  "NMR", "XRC", "EC",  "CUS",
                                                             "OUS", "PHY", "RUS", "VUS", "NRS", "IMG", "OSL"};
  const model::CodeableConceptT* c = report.category.get();
  if (c == nullptr) return policy::Category::kLabReport;
  for (std::string_view code : kExam) {
    if (conceptHas(c, code)) return policy::Category::kExamReport;
  }
  return policy::Category::kLabReport;
}

size_t keepCategories(std::vector<std::unique_ptr<model::LabReportT>>& reports,
                      const std::vector<policy::Category>& permitted) {
  const size_t before = reports.size();
  reports.erase(std::remove_if(reports.begin(), reports.end(),
                               [&](const auto& r) {
                                 return !r || std::find(permitted.begin(), permitted.end(),
                                                        reportCategory(*r)) == permitted.end();
                               }),
                reports.end());
  return before - reports.size();
}

}  // namespace metrogw::sharing
