// Half-hour slots of a simulated world: 08:00-11:30 and 14:00-17:00 local time (+08:00).
#include <array>

#include "sim/model_util.h"
#include "sim/random.h"
#include "sim/world.h"

namespace metrogw::sim {
namespace {

constexpr int kSlotMinutes = 30;
constexpr int kMorningStart = 8 * 60, kMorningEnd = 11 * 60 + 30;
constexpr int kAfternoonStart = 14 * 60, kAfternoonEnd = 17 * 60;

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

void addSlot(World& w, Rng& rng, const model::PractitionerT& p, const model::ScheduleT& s,
             model::HospitalGrade grade, const Date& day, int minute) {
  model::SlotT slot;
  slot.id =
      p.id + "-" + formatCompact(day) + std::to_string(minute / 60 * 100 + minute % 60 + 10000).substr(1);
  slot.schedule = makeRef("Schedule", s.id, "", w.city.prefix);
  slot.service_type.push_back(boxed(*p.specialty.front()));
  slot.specialty.push_back(boxed(*p.specialty.front()));
  slot.start = formatLocalTime(day, minute);
  slot.end = formatLocalTime(day, minute + kSlotMinutes);
  slot.capacity = static_cast<uint16_t>(rng.between(1, 4));
  slot.reserved_family_doctor = reservedShare(grade, slot.capacity);
  const int public_places = slot.capacity - slot.reserved_family_doctor;
  if (public_places > 0 && rng.chance(15)) slot.booked = static_cast<uint16_t>(rng.between(1, public_places));
  slot.status = slot.booked >= slot.capacity ? model::SlotStatus::Busy : model::SlotStatus::Free;
  slot.practitioner = makeRef("Practitioner", p.id, p.name->text, w.city.prefix);
  slot.department = boxed(*p.department);
  slot.organization = boxed(*p.organization);
  w.slots.push_back(std::move(slot));
}

void addSession(World& w, Rng& rng, size_t doctor, model::HospitalGrade grade, const Date& day, int from,
                int to) {
  for (int m = from; m < to; m += kSlotMinutes)
    addSlot(w, rng, w.practitioners[doctor], w.schedules[doctor], grade, day, m);
}

}  // namespace

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
