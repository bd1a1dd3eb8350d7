#include "federation/answers.h"

#include <algorithm>

namespace metrogw::federation {
namespace {

void stampRef(std::unique_ptr<model::ReferenceT>& ref, const std::string& city) {
  if (ref && ref->city.empty()) ref->city = city;
}

}  // namespace

void stampCity(model::SearchResultT& result, const std::string& city) {
  for (auto& org : result.organizations) {
    if (org->city.empty()) org->city = city;
  }
  for (auto& slot : result.slots) {
    if (!slot->organization) {
      slot->organization = std::make_unique<model::ReferenceT>();
      slot->organization->kind = "Organization";
    }
    stampRef(slot->organization, city);
    stampRef(slot->department, city);
    stampRef(slot->practitioner, city);
    stampRef(slot->schedule, city);
  }
}

void keepBookable(model::SearchResultT& result, bool family_doctor) {
  auto& slots = result.slots;
  const auto unbookable = [family_doctor](const std::unique_ptr<model::SlotT>& s) {
    if (s->status == model::SlotStatus::Free) return false;
    const bool reserved_left =
        s->status == model::SlotStatus::Busy && s->reserved_family_doctor > 0 && s->booked < s->capacity;
    return !(family_doctor && reserved_left);
  };
  const size_t before = slots.size();
  slots.erase(std::remove_if(slots.begin(), slots.end(), unbookable), slots.end());
  if (result.total >= 0)
    result.total -= static_cast<int32_t>(std::min<size_t>(before - slots.size(), result.total));
}

void normaliseAnswer(const model::EnvelopeT& request, const std::string& city, model::EnvelopeT& answer) {
  if (answer.body.type != model::Body::SearchResult) return;
  model::SearchResultT& result = *answer.body.AsSearchResult();
  stampCity(result, city);
  if (request.body.type == model::Body::Query && request.body.AsQuery()->kind == model::QueryKind::Slots) {
    keepBookable(result, request.body.AsQuery()->family_doctor);
  }
}

}  // namespace metrogw::federation
