// The consent-peer endpoint: one node's consent ledger read by another node, so that a consent
// recorded at the patient's home node governs the data every city holds.
//
//   consent-peer   POST /federation/v1/consents   (federation listener; peers only, by the
//                                                   verified client-certificate subject)
//   request  {"patient":"<person token>","request_id":"..","practitioner":"..","purpose":".."}
//            (request_id, practitioner and purpose are the sharing request's, for the audit trail)
//   answer   200 application/json: consent::historyJson() of this node's ledger for the token
//            (every grant and revocation it holds, recorded order; {"consents":[]} when none);
//            problem+json otherwise: 403 caller-not-allowed (not a configured peer), 400
//            invalid-parameter, 503 upstream-unavailable (ledger unreadable), 503
//            audit-unavailable.
// The wire form is the ledger's own JSON (consent/record.h, exact millisecond values) rather
// than the canonical envelope: these are consent records, not clinical data the model maps, and
// the owning node needs them exactly as stored.
//
// Each answered read is an audit event at the serving node (action "consent-read", the asking
// node's certificate subject and city, the patient token, request id): the home node's trail
// names every node that looked at the patient's consents and on behalf of which request. When
// the event cannot be written nothing is answered (fail closed).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "consent/record.h"
#include "gateway/handler.h"
#include "sharing/internal/node.h"

namespace metrogw::sharing {

inline constexpr std::string_view kConsentPeerPath = "/federation/v1/consents";

// The sharing request a ledger read is made for (carried for the serving node's audit trail).
struct LedgerQuery {
  std::string patient_token;
  std::string request_id;
  std::string practitioner;
  std::string purpose;
};

[[nodiscard]] std::unique_ptr<gateway::LocalHandler> makeConsentPeerHandler(
    std::shared_ptr<internal::Node> node);

// Why a peer ledger could not be read: "timeout", "unavailable", "refused" (the peer answered a
// problem), "malformed" (an answer historyFromJson() rejects), "error". Used as the `result` label of
// metrogw_sharing_ledger_reads_total.
[[nodiscard]] std::string_view ledgerFailureReason(const Status& status);

using PeerLedgerCallback = std::function<void(StatusOr<std::vector<consent::Record>>)>;

// Reads `peer`'s ledger for query.patient_token over mTLS, answering within `timeout`. `done` runs
// once on the worker's loop with the records (checked: historyFromJson against the peer's city)
// or an error: upstreamTimeout / upstreamUnavailable (no answer), consentDenied (a problem
// answer), malformedMessage.
void readPeerLedger(gateway::HttpClient& client, const config::Peer& peer, const LedgerQuery& query,
                    std::chrono::milliseconds timeout, PeerLedgerCallback done);

}  // namespace metrogw::sharing
