// The north answers of the sharing routes: canonical JSON by default, FHIR R4 (Bundle of
// DiagnosticReport + Observation, record-summary document Bundles) when the caller's Accept
// names application/fhir+json. Never a total or a count: the merge already dropped what was
// withheld, and nothing here says that it did.
#pragma once

#include "gateway/handler.h"
#include "sharing/merge.h"

namespace metrogw::sharing {

[[nodiscard]] bool wantsFhir(const gateway::LocalRequest& request);

// GET .../lab-reports: {"lab_reports":[...],"incomplete":[...]} or a searchset Bundle.
[[nodiscard]] gateway::LocalResponse labReportsResponse(Merged merged, bool fhir);
// GET .../lab-reports/{id}: the LabReport (or its Bundle); 404 when no permitting city had it.
[[nodiscard]] gateway::LocalResponse labReportResponse(Merged merged, bool fhir, std::string_view request_id);
// GET .../record-summary: {"record_summaries":[...],"incomplete":[...]}, or one document Bundle
// (several: a collection Bundle of document Bundles); 404 when none.
[[nodiscard]] gateway::LocalResponse recordSummaryResponse(Merged merged, bool fhir,
                                                           std::string_view request_id);

}  // namespace metrogw::sharing
