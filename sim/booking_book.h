// Booking state over a world's slots: holds, bookings and cancellations.
//
// Guarantees: a slot never takes more patients than its capacity (no double booking); the
// family-doctor reserved share (Slot.reserved_family_doctor) is only given to family_doctor
// commands, which may also take public places; a hold takes a place until it is booked, cancelled
// or expires (5 minutes by default, measured on the injected TimeSource); a cancel frees the place.
// Single-threaded: owned and driven by one event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/status.h"
#include "model/model.h"
#include "sim/world.h"

namespace metrogw::sim {

class BookingBook {
 public:
  static constexpr std::chrono::minutes kHoldTtl{5};

  BookingBook(const World& world, const TimeSource& clock, std::chrono::milliseconds hold_ttl = kHoldTtl);

  // Places of a slot as a caller sees them now.
  struct Places {
    uint16_t taken = 0;        // booked + held, public and family
    uint16_t public_free = 0;  // what an ordinary caller may take
    uint16_t family_free = 0;  // what a family doctor may take
  };
  [[nodiscard]] Places places(const model::SlotT& slot);

  // The slot as a search shows it: booked = taken, status busy when the caller has no place left.
  [[nodiscard]] model::SlotT view(const model::SlotT& slot, bool family_doctor);

  // Errors: invalidArgument (bad command, 400), notFound (unknown slot/hold/appointment, 404),
  // resourceExhausted (no place left for this caller, 409).
  [[nodiscard]] StatusOr<model::AppointmentT> hold(const model::CommandT& command);
  [[nodiscard]] StatusOr<model::AppointmentT> book(const model::CommandT& command);
  [[nodiscard]] StatusOr<model::AppointmentT> cancel(const model::CommandT& command);
  [[nodiscard]] StatusOr<model::AppointmentT> execute(const model::CommandT& command);

  [[nodiscard]] size_t activeHolds();

 private:
  struct SlotUse {
    uint16_t public_taken = 0;
    uint16_t family_taken = 0;
  };
  struct Entry {  // a hold or an appointment
    std::string slot_id;
    bool family = false;
    MonotonicTime expires{};  // holds only
    model::AppointmentT appointment;
  };

  void expireHolds();
  [[nodiscard]] SlotUse& use(const model::SlotT& slot);
  [[nodiscard]] Status take(const model::SlotT& slot, bool family);
  void release(const Entry& entry);
  [[nodiscard]] StatusOr<const model::SlotT*> slotFor(const model::CommandT& command) const;
  [[nodiscard]] model::AppointmentT appointmentFor(const model::SlotT& slot, const model::CommandT& command,
                                                   std::string id, model::AppointmentStatus status) const;
  [[nodiscard]] std::string nextId(std::string_view kind);

  const World& world_;
  const TimeSource& clock_;
  std::chrono::milliseconds hold_ttl_;
  std::unordered_map<std::string, SlotUse> uses_;
  std::unordered_map<std::string, Entry> holds_;
  std::unordered_map<std::string, Entry> appointments_;
  std::unordered_map<std::string, std::string> idempotency_;  // key -> appointment id
  uint64_t next_id_ = 1;
};

}  // namespace metrogw::sim
