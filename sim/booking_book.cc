#include "sim/booking_book.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "sim/model_util.h"

namespace metrogw::sim {
namespace {

[[nodiscard]] bool hasPatient(const model::CommandT& c) {
  return c.patient && (!c.patient->id.empty() || !c.patient->identifiers.empty());
}

[[nodiscard]] uint16_t freeFor(uint16_t capacity, uint16_t reserved, uint16_t public_taken,
                               uint16_t family_taken, bool family) {
  const int used = family ? public_taken + family_taken : public_taken + std::max(reserved, family_taken);
  return static_cast<uint16_t>(std::max(0, capacity - used));
}

}  // namespace

BookingBook::BookingBook(const World& world, const TimeSource& clock, std::chrono::milliseconds hold_ttl)
    : world_(world), clock_(clock), hold_ttl_(hold_ttl) {}

BookingBook::SlotUse& BookingBook::use(const model::SlotT& slot) {
  auto [it, inserted] = uses_.try_emplace(slot.id);
  if (inserted) it->second.public_taken = slot.booked;  // bookings made before the simulator started
  return it->second;
}

BookingBook::Places BookingBook::places(const model::SlotT& slot) {
  expireHolds();
  const auto it = uses_.find(slot.id);
  const SlotUse u = it == uses_.end() ? SlotUse{slot.booked, 0} : it->second;
  Places p;
  p.taken = static_cast<uint16_t>(u.public_taken + u.family_taken);
  p.public_free = freeFor(slot.capacity, slot.reserved_family_doctor, u.public_taken, u.family_taken, false);
  p.family_free = freeFor(slot.capacity, slot.reserved_family_doctor, u.public_taken, u.family_taken, true);
  return p;
}

model::SlotT BookingBook::view(const model::SlotT& slot, bool family_doctor) {
  const Places p = places(slot);
  model::SlotT out = slot;
  out.booked = p.taken;
  out.status =
      (family_doctor ? p.family_free : p.public_free) > 0 ? model::SlotStatus::Free : model::SlotStatus::Busy;
  return out;
}

void BookingBook::expireHolds() {
  const MonotonicTime now = clock_.monotonicNow();
  std::vector<std::string> expired;
  for (const auto& [id, entry] : holds_) {
    if (entry.expires <= now) expired.push_back(id);
  }
  for (const auto& id : expired) {
    release(holds_[id]);
    holds_.erase(id);
  }
}

size_t BookingBook::activeHolds() {
  expireHolds();
  return holds_.size();
}

Status BookingBook::take(const model::SlotT& slot, bool family) {
  SlotUse& u = use(slot);
  if (freeFor(slot.capacity, slot.reserved_family_doctor, u.public_taken, u.family_taken, family) == 0) {
    return Status::resourceExhausted(family ? "slot_id: no place left" : "slot_id: no public place left");
  }
  ++(family ? u.family_taken : u.public_taken);
  return Status::ok();
}

void BookingBook::release(const Entry& entry) {
  const auto it = uses_.find(entry.slot_id);
  if (it == uses_.end()) return;
  uint16_t& n = entry.family ? it->second.family_taken : it->second.public_taken;
  if (n > 0) --n;
}

StatusOr<const model::SlotT*> BookingBook::slotFor(const model::CommandT& command) const {
  if (command.slot_id.empty()) return Status::invalidArgument("slot_id: missing");
  const model::SlotT* slot = world_.findSlot(command.slot_id);
  if (slot == nullptr) return Status::notFound("slot_id: no such slot");
  return slot;
}

std::string BookingBook::nextId(std::string_view kind) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s-%.*s%06llu", world_.city.prefix.c_str(), static_cast<int>(kind.size()),
                kind.data(), static_cast<unsigned long long>(next_id_++));
  return buf;
}

model::AppointmentT BookingBook::appointmentFor(const model::SlotT& slot, const model::CommandT& command,
                                                std::string id, model::AppointmentStatus status) const {
  model::AppointmentT a;
  a.id = std::move(id);
  a.identifiers.push_back(makeIdentifier("urn:metrogw:ids:" + world_.city.prefix + ":appointment", a.id));
  a.status = status;
  for (const auto& c : slot.service_type) a.service_type.push_back(boxed(*c));
  for (const auto& c : slot.specialty) a.specialty.push_back(boxed(*c));
  a.start = slot.start;
  a.end = slot.end;
  a.minutes_duration = 30;
  a.slots.push_back(makeRef("Slot", slot.id, "", world_.city.prefix));
  a.created = formatChinaTime(clock_.systemNow());
  if (command.patient) a.patient = boxed(*command.patient);
  for (const auto* ref : {slot.practitioner.get(), slot.organization.get()}) {
    if (ref == nullptr) continue;
    auto p = std::make_unique<model::ParticipantT>();
    p->actor = boxed(*ref);
    a.participants.push_back(std::move(p));
  }
  if (command.requester) a.booked_by = boxed(*command.requester);
  a.comment = command.reason;
  return a;
}

StatusOr<model::AppointmentT> BookingBook::hold(const model::CommandT& command) {
  expireHolds();
  ASSIGN_OR_RETURN(const model::SlotT* slot, slotFor(command));
  RETURN_IF_ERROR(take(*slot, command.family_doctor));
  Entry e{slot->id, command.family_doctor, clock_.monotonicNow() + hold_ttl_, {}};
  e.appointment = appointmentFor(*slot, command, nextId("HD"), model::AppointmentStatus::Pending);
  auto out = e.appointment;
  holds_.emplace(out.id, std::move(e));
  return out;
}

StatusOr<model::AppointmentT> BookingBook::book(const model::CommandT& command) {
  expireHolds();
  if (!command.idempotency_key.empty()) {
    const auto it = idempotency_.find(command.idempotency_key);
    if (it != idempotency_.end()) return appointments_.at(it->second).appointment;
  }
  if (!hasPatient(command)) return Status::invalidArgument("patient: missing");
  Entry e;
  if (!command.hold_id.empty()) {
    const auto it = holds_.find(command.hold_id);
    if (it == holds_.end()) return Status::notFound("hold_id: unknown or expired");
    e = std::move(it->second);  // the held place becomes the booking's
    holds_.erase(it);
  } else {
    ASSIGN_OR_RETURN(const model::SlotT* slot, slotFor(command));
    RETURN_IF_ERROR(take(*slot, command.family_doctor));
    e.slot_id = slot->id;
    e.family = command.family_doctor;
  }
  e.appointment =
      appointmentFor(*world_.findSlot(e.slot_id), command, nextId("AP"), model::AppointmentStatus::Booked);
  auto out = e.appointment;
  if (!command.idempotency_key.empty()) idempotency_[command.idempotency_key] = out.id;
  appointments_.emplace(out.id, std::move(e));
  return out;
}

StatusOr<model::AppointmentT> BookingBook::cancel(const model::CommandT& command) {
  expireHolds();
  const std::string& id = command.appointment_id.empty() ? command.hold_id : command.appointment_id;
  if (id.empty()) return Status::invalidArgument("appointment_id: missing");
  if (const auto h = holds_.find(id); h != holds_.end()) {
    release(h->second);
    auto out = std::move(h->second.appointment);
    holds_.erase(h);
    out.status = model::AppointmentStatus::Cancelled;
    return out;
  }
  const auto it = appointments_.find(id);
  if (it == appointments_.end()) return Status::notFound("appointment_id: no such appointment");
  if (it->second.appointment.status != model::AppointmentStatus::Cancelled) {
    release(it->second);
    it->second.appointment.status = model::AppointmentStatus::Cancelled;
    if (!command.reason.empty()) {
      it->second.appointment.cancelation_reason = makeConcept("", "", command.reason);
    }
  }
  return it->second.appointment;
}

StatusOr<model::AppointmentT> BookingBook::execute(const model::CommandT& command) {
  switch (command.action) {
    case model::CommandAction::Hold: return hold(command);
    case model::CommandAction::Book: return book(command);
    case model::CommandAction::Cancel: return cancel(command);
  }
  return Status::invalidArgument("action: unknown");
}

}  // namespace metrogw::sim
