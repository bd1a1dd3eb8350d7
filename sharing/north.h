// The asking node's side of sharing: the north routes a doctor's platform calls.
//
//   GET /v1/patients/{token}/lab-reports?purpose=&from=&to=      handler sharing-lab-reports
//   GET /v1/patients/{token}/lab-reports/{id}?purpose=           handler sharing-lab-report
//   GET /v1/patients/{token}/record-summary?purpose=             handler sharing-record-summary
// Headers: X-Practitioner (required: the acting practitioner's id), X-Hospital (optional: their
// hospital id), X-Break-Glass-Reason (purpose=emergency without consent).
//
// The token's cross-reference (identity index, this node's cache: resolve the patient first)
// names the cities where the patient is known; each city's owning node is asked (this node's own
// city in-process, peers at /federation/v1/sharing) under the federation deadline, and decides for
// its own data (owner.h). Answers are merged (merge.h) and rendered (render.h).
#pragma once

#include <memory>

#include "gateway/handler.h"
#include "sharing/internal/node.h"

namespace metrogw::sharing {

inline constexpr std::string_view kSharingPeerPath = "/federation/v1/sharing";

enum class NorthKind { kLabReports, kLabReport, kRecordSummary };

[[nodiscard]] std::unique_ptr<gateway::LocalHandler> makeNorthHandler(NorthKind kind,
                                                                      std::shared_ptr<internal::Node> node);

}  // namespace metrogw::sharing
