// Booking across the federation: the owning node decides. A north request for another city's slot
// or appointment becomes a canonical envelope sent to that city's node at kBookingPeerPath (mTLS,
// federation::callPeer): a Command (hold, book, cancel; `reason` carries the original JSON body,
// `requester.id` the channel, `idempotency_key` the key), a Query with purpose kReadPurpose (read
// an appointment: `id`, channel in `text`) or kSearchPurpose (pool search). The owner answers an
// Appointment whose `description` is the JSON body it would answer itself, a SearchResult, or a
// Problem; the asking node returns it as is.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "booking/service.h"
#include "model/model.h"

namespace metrogw::booking {

inline constexpr std::string_view kBookingPeerPath = "/federation/v1/booking";
inline constexpr std::string_view kReadPurpose = "booking-appointment";
inline constexpr std::string_view kSearchPurpose = "booking-pool";

// Runs a hold/book/cancel command on this node's pool for `caller`; the command's `reason` is the
// request body the Idempotency-Key is bound to. A booking's referral is checked here, on the owning
// node, for the caller's city (422 invalid-referral) and stored in its canonical form.
void runCommand(const std::shared_ptr<Service>& service, const Caller& caller, const model::CommandT& command,
                OutcomeCallback done);

// Sends `request` to the node owning `city`; `done` gets its answer as an Outcome (ok_status for an
// Appointment answer) or an error when the owner could not be reached.
void forwardToOwner(Service& service, const std::string& city, const model::EnvelopeT& request, int ok_status,
                    OutcomeCallback done);
// The same for a slot search: the owner's SearchResult.
void searchOwner(Service& service, const std::string& city, const model::QueryT& query,
                 federation::EnvelopeCallback done);

// The `booking-peer` handler (owner side).
[[nodiscard]] std::unique_ptr<gateway::LocalHandler> makePeerHandler(std::shared_ptr<Service> service);

}  // namespace metrogw::booking
