// The owning node's view of a patient's consents: its own ledger ∪ the ledgers of the other
// cities where the patient is known, so a consent recorded at the home node governs every city's
// data.
//
// The own ledger is read from this node's Redis; every other city's over mTLS at its consent-peer
// endpoint (consent_peer.h), all in parallel, each peer within `peer_timeout`. Records are merged
// by id (consent::mergeHistories).
//
// Fail safe: a peer ledger that cannot be read (down, late, refusing, malformed answer)
// contributes nothing — neither its grants nor their revocations, which always live in
// the same ledger — so a missing ledger can only turn a permit into a deny, never keep a revoked
// consent alive. It is named in `unread` (for the audit reason and the problem detail) and counted
// in metrogw_sharing_ledger_reads_total{city,result}. The own ledger is different: when it cannot
// be read the gather fails (upstreamUnavailable) and the owner releases nothing (503).
//
// Nothing is cached: every decision reads the ledgers again, so a revocation at the home node
// ends access at every city from the next request on.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "consent/record.h"
#include "sharing/consent_peer.h"
#include "sharing/internal/node.h"

namespace metrogw::sharing {

struct Consents {
  std::vector<consent::Record> history;  // merged, recorded order
  std::vector<std::string> unread;       // cities whose ledger contributed nothing (could not be read)
};
using ConsentsCallback = std::function<void(StatusOr<Consents>)>;

// `cities`: where the patient is known (this node's own city is read locally whether listed or
// not; duplicates are ignored; a city with no configured peer is skipped and counted as
// {city="unconfigured",result="no-peer"}). `done` runs once, on the worker's loop, never inside the call.
void gatherConsents(internal::Node& node, const LedgerQuery& query, const std::vector<std::string>& cities,
                    std::chrono::milliseconds peer_timeout, ConsentsCallback done);

}  // namespace metrogw::sharing
