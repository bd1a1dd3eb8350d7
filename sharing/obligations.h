// What an owning node does to permitted records before they leave it: the decision's obligations
// (policy::Decision::drop_fields) and the category filter of a mixed answer.
//
// Field names (policy/README.md): "notes" (report conclusion, observation, condition and
// medication notes), "patient.address", "patient.telecom", "social-history" (record-summary
// observations coded as social history, LOINC 29762-2 and its panel members, or category text
// "social-history"). Unknown names are ignored (policy validates them).
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "policy/policy.h"

namespace metrogw::sharing {

void applyObligations(model::LabReportT& report, const std::vector<std::string>& drop_fields);
void applyObligations(model::RecordSummaryT& summary, const std::vector<std::string>& drop_fields);

// The category of a lab report: exam-report for imaging and other diagnostic-service sections
// (HL7 v2 table 0074 RAD, CT, US, NMR, XRC, EC, CUS, OUS, PHY, RUS, VUS...), lab-report otherwise.
[[nodiscard]] policy::Category reportCategory(const model::LabReportT& report);

// Removes the reports whose category is not in `permitted`; returns how many were removed (for
// the audit trail only: never sent to the caller).
size_t keepCategories(std::vector<std::unique_ptr<model::LabReportT>>& reports,
                      const std::vector<policy::Category>& permitted);

}  // namespace metrogw::sharing
