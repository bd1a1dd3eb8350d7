// The pool's slots in the canonical model and as the north API's JSON: a search page crosses the
// federation as a SearchResult of Slots (merged by federation/fanout.h), a FHIR Bundle comes from
// the fhir-r4 codec, and the plain JSON from slotsJson().
//
// A pool slot as a model Slot: capacity; booked = capacity - family_available (places nobody can
// take any more); reserved_family_doctor = family_available - available (places only a family
// doctor can take now); status free when an ordinary caller can still book it.
#pragma once

#include <set>
#include <string>

#include "booking/pool.h"
#include "model/model.h"

namespace metrogw::booking::internal {

[[nodiscard]] model::SlotT slotModel(const SlotView& view);
[[nodiscard]] SlotView slotView(const model::SlotT& slot);

// A platform's slot as the pool keeps it (times parsed, department = the specialty's code), or an
// error when it lacks what the pool needs (id, start, organisation).
[[nodiscard]] StatusOr<PlatformSlot> platformSlot(const model::SlotT& slot, const std::string& city,
                                                  const std::set<std::string>& tertiary);

// {"slots":[...],"next_cursor":"..."?,"incomplete":[{"city","reason"}]?}
[[nodiscard]] std::string slotsJson(const model::SearchResultT& result, const std::string& next_cursor);

}  // namespace metrogw::booking::internal
