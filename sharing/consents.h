// The consent API of the home node (handlers registered in handlers.cc; paths from `routes:`):
//   consent-grant    POST   /v1/consents                      body: consent/request.h → 201 + record
//   consent-history  GET    /v1/patients/{token}/consents     the patient's records, oldest first
//   consent-revoke   DELETE /v1/consents/{id}                 a revocation record → 200 + record
// Answers are the ledger's JSON (consent/record.h), or FHIR R4 Consent / Bundle when the Accept
// header names application/fhir+json. Every grant and revocation is an audit event (actions
// consent-grant / consent-revoke); a grant is not stored when its event cannot be written
// (audit-unavailable). A revocation is stored first (ending access must not wait for the audit
// trail), then audited; if that fails the answer is audit-unavailable and says the revocation stands.
// Records live in the ledger of the node that took them: revoke at the node named by the id's
// city prefix (another node answers consent-not-found naming it).
#pragma once

#include <memory>

#include "gateway/handler.h"
#include "sharing/internal/node.h"

namespace metrogw::sharing {

enum class ConsentRoute { kGrant, kHistory, kRevoke };

[[nodiscard]] std::unique_ptr<gateway::LocalHandler> makeConsentHandler(ConsentRoute route,
                                                                        std::shared_ptr<internal::Node> node);

}  // namespace metrogw::sharing
