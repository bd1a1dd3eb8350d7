// The owning node's side of a sharing request: this city's platform holds the data, so this node
// decides, audits and releases.
//
// For a Query of kind LabReports, LabReport or RecordSummary carrying patient_token, purpose,
// practitioner (and caller, caller_hospital, break_glass_reason, request_id):
//  1. the patient's local id in this city: this node's own cross-reference for the token when it
//     has one cached, else query.patient.id as the asking node found it;
//  2. the patient's consent history: this node's ledger (consent/ledger.h) ∪ the ledgers of the
//     other cities where the patient is known (this node's cross-reference ∪ query.cities, which
//     the asking node fills from its own), read in parallel at their consent-peer endpoints within
//     half the federation deadline and merged by record id (ledgers.h). A peer ledger that cannot
//     be read contributes nothing (fail safe: only more denials); its city is appended to the
//     audit reason and the problem detail ("; ledgers not read: 3201");
//  3. policy::decide() per category (lab-report and exam-report for reports, record-summary);
//  4. one audit Event per decided category, permit or deny; if an append fails nothing is
//     released (audit-unavailable);
//  5. a deny answers consent-required (break-glass-not-permitted for a refused emergency);
//  6. a permit asks this city's platform, keeps only permitted categories, applies the
//     obligations (drop_fields) and answers SearchResult / LabReport / RecordSummary with no total.
// The answer is always an envelope (a Problem envelope for refusals and failures), given to
// `done` once, on the worker's loop.
#pragma once

#include <string>

#include "federation/platform.h"
#include "sharing/internal/node.h"

namespace metrogw::sharing {

void answerAsOwner(internal::Node& node, model::QueryT query, std::string caller_city,
                   federation::EnvelopeCallback done);

}  // namespace metrogw::sharing
