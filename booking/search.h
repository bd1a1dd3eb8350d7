// GET /v1/slots (`pool-slot-search`): the pools of the asked cities (default: every city of the
// federation), this node's from its Redis and the others' from their owning nodes in parallel
// (federation::fanOut under federation.deadline; a city that did not answer is listed in
// `incomplete`). Parameters: city (comma list), hospital, department, doctor, from, to (ISO date or
// date-time, default now .. now + booking.sync_days), limit (1-200 per city, default 50), cursor
// (the previous page's next_cursor: "<city>~<offset>" joined by '.'). JSON (slot_model.h), or a
// FHIR searchset Bundle of Slot when the request Accepts application/fhir+json.
#pragma once

#include <memory>

#include "booking/service.h"

namespace metrogw::booking {

[[nodiscard]] std::unique_ptr<gateway::LocalHandler> makeSearchHandler(std::shared_ptr<Service> service);

}  // namespace metrogw::booking
