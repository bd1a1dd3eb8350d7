// Half-hour slots of a simulated world: 08:00-11:30 and 14:00-17:00 local time (+08:00), and the
// optional slot release (10-minute single-place slots from 18:00).
#include <array>
#include <vector>

#include "sim/model_util.h"
#include "sim/random.h"
#include "sim/world.h"

namespace metrogw::sim {
namespace {

constexpr int kSlotMinutes = 30;
constexpr int kMorningStart = 8 * 60, kMorningEnd = 11 * 60 + 30;
constexpr int kAfternoonStart = 14 * 60, kAfternoonEnd = 17 * 60;
// Release slots: an evening clinic of 10-minute single-place slots, after every regular session.
constexpr int kReleaseStart = 18 * 60, kReleaseEnd = 23 * 60 + 50, kReleaseMinutes = 10;

// Which of the 14 weekly half-days (Sunday morning = 0) a practitioner sees patients.
using WeekPattern = std::array<bool, 14>;

[[nodiscard]] WeekPattern weekPattern(Rng& rng) {
  WeekPattern p{};
  bool any = false;
  for (size_t i = 2; i < 14; ++i) {  // Monday..Saturday
    p[i] = rng.chance(i >= 12 ? 15 : 40);
    any = any || p[i];
  }
  if (!any) p[2 + rng.below(10)] = true;
  return p;
}

// Family-doctor share of a tertiary hospital's slot (about 30%).
[[nodiscard]] uint16_t reservedShare(model::HospitalGrade grade, uint16_t capacity) {
  if (grade != model::HospitalGrade::Tertiary) return 0;
  return static_cast<uint16_t>((capacity * 3 + 5) / 10);
}

// The fields every slot has; capacity, share and bookings are the caller's.
[[nodiscard]] model::SlotT makeSlot(const World& w, const model::PractitionerT& p, const model::ScheduleT& s,
                                    const Date& day, int minute, int length) {
  model::SlotT slot;
  slot.id =
      p.id + "-" + formatCompact(day) + std::to_string(minute / 60 * 100 + minute % 60 + 10000).substr(1);
  slot.schedule = makeRef("Schedule", s.id, "", w.city.prefix);
  slot.service_type.push_back(boxed(*p.specialty.front()));
  slot.specialty.push_back(boxed(*p.specialty.front()));
  slot.start = formatLocalTime(day, minute);
  slot.end = formatLocalTime(day, minute + length);
  slot.practitioner = makeRef("Practitioner", p.id, p.name->text, w.city.prefix);
  slot.department = boxed(*p.department);
  slot.organization = boxed(*p.organization);
  return slot;
}

void addSlot(World& w, Rng& rng, const model::PractitionerT& p, const model::ScheduleT& s,
             model::HospitalGrade grade, const Date& day, int minute) {
  model::SlotT slot = makeSlot(w, p, s, day, minute, kSlotMinutes);
  slot.capacity = static_cast<uint16_t>(rng.between(1, 4));
  slot.reserved_family_doctor = reservedShare(grade, slot.capacity);
  const int public_places = slot.capacity - slot.reserved_family_doctor;
  if (public_places > 0 && rng.chance(15)) slot.booked = static_cast<uint16_t>(rng.between(1, public_places));
  slot.status = slot.booked >= slot.capacity ? model::SlotStatus::Busy : model::SlotStatus::Free;
  w.slots.push_back(std::move(slot));
}

void addSession(World& w, Rng& rng, size_t doctor, model::HospitalGrade grade, const Date& day, int from,
                int to) {
  for (int m = from; m < to; m += kSlotMinutes)
    addSlot(w, rng, w.practitioners[doctor], w.schedules[doctor], grade, day, m);
}

}  // namespace

Status buildReleaseSlots(World& w) {
  if (w.options.release_slots <= 0) return Status::ok();
  std::vector<size_t> doctors;
  for (size_t i = 0; i < w.practitioners.size(); ++i) {
    if (w.practitioners[i].organization->id == w.options.release_hospital) doctors.push_back(i);
  }
  if (doctors.empty()) return Status::invalidArgument("release: no hospital " + w.options.release_hospital);
  const auto per_doctor_day = static_cast<size_t>(kReleaseEnd - kReleaseStart) / kReleaseMinutes;
  const auto count = static_cast<size_t>(w.options.release_slots);
  const size_t days_needed =
      (count + doctors.size() * per_doctor_day - 1) / (doctors.size() * per_doctor_day);
  if (days_needed + 1 > static_cast<size_t>(w.options.days))
    return Status::invalidArgument("release: more slots than the hospital's doctors have evenings");
  for (size_t k = 0; k < count; ++k) {
    const size_t doctor = doctors[k % doctors.size()];
    const size_t n = k / doctors.size();
    const Date day = addDays(w.options.start, static_cast<int>(1 + n / per_doctor_day));
    const int minute = kReleaseStart + static_cast<int>(n % per_doctor_day) * kReleaseMinutes;
    model::SlotT slot =
        makeSlot(w, w.practitioners[doctor], w.schedules[doctor], day, minute, kReleaseMinutes);
    slot.capacity = 1;
    slot.status = model::SlotStatus::Free;
    w.slots.push_back(std::move(slot));
  }
  return Status::ok();
}

void buildSlots(World& w) {
  Rng rng(w.options.seed, "slots:" + w.city.prefix);
  for (size_t i = 0; i < w.practitioners.size(); ++i) {
    const auto* org = w.findOrganization(w.practitioners[i].organization->id);
    const auto grade = org ? org->grade : model::HospitalGrade::Unknown;
    const WeekPattern pattern = weekPattern(rng);
    for (int d = 0; d < w.options.days; ++d) {
      const Date day = addDays(w.options.start, d);
      const auto wd = static_cast<size_t>(weekday(day));
      if (pattern[wd * 2]) addSession(w, rng, i, grade, day, kMorningStart, kMorningEnd);
      if (pattern[wd * 2 + 1]) addSession(w, rng, i, grade, day, kAfternoonStart, kAfternoonEnd);
    }
  }
}

}  // namespace metrogw::sim
