// What a node does to its own platform's answers before anyone sees them.
#pragma once

#include <string>

#include "model/model.h"

namespace metrogw::federation {

// Stamps `city` on organisations and on the references of slots (organisation, department,
// practitioner, schedule) that the platform's dialect could not carry: the node that owns the
// data answers for its city.
void stampCity(model::SearchResultT& result, const std::string& city);

// Keeps only slots the caller could book: free ones, and for a family doctor also slots whose
// remaining places are the family-doctor share (busy for everyone else, booked < capacity).
// Platforms may ignore a "free only" filter; the node does not pass their busy slots on.
void keepBookable(model::SearchResultT& result, bool family_doctor);

// Both, for the answer to `request` (a Query envelope) from this city's platform.
void normaliseAnswer(const model::EnvelopeT& request, const std::string& city, model::EnvelopeT& answer);

}  // namespace metrogw::federation
