// Consent-governed sharing of lab reports and health records across cities, with every access
// decided by the policy engine and written to the audit trail.
//
// Handlers (registered in code; paths, listeners and scopes come from `routes:`, see README.md):
//   consent-grant / consent-history / consent-revoke      the home node's consent API (consents.h)
//   sharing-lab-reports / sharing-lab-report / sharing-record-summary
//                                                         the asking node's north API (north.h)
//   sharing-peer   POST /federation/v1/sharing            a peer's sharing query, answered as the
//                                                         owning node (owner.h); peers only
//   consent-peer   POST /federation/v1/consents           this node's consent ledger for a patient,
//                                                         read by an owning node (consent_peer.h);
//                                                         peers only
#pragma once

#include "gateway/handler.h"

namespace metrogw::sharing {

// Adds this folder's HTTP handlers (mapped to paths by `routes:`) to the registry.
void registerHandlers(gateway::HandlerRegistry& registry);

}  // namespace metrogw::sharing
