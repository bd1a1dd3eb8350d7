#include "sim/world.h"

#include <algorithm>

#include "sim/random.h"

namespace metrogw::sim {

const model::SlotT* World::findSlot(std::string_view id) const {
  const auto it = slot_index.find(std::string(id));
  return it == slot_index.end() ? nullptr : &slots[it->second];
}

const model::OrganizationT* World::findOrganization(std::string_view id) const {
  for (const auto& o : organizations) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

std::string chineseName(Rng& rng, std::string* family, std::string* given) {
  std::string f = rng.pick(surnames());
  std::string g = rng.pick(givenNameChars());
  if (rng.chance(70)) g += rng.pick(givenNameChars());
  if (family) *family = f;
  if (given) *given = g;
  return f + g;
}

StatusOr<World> buildWorld(const WorldOptions& options) {
  if (options.days < 1 || options.days > 90) return Status::invalidArgument("days: expected 1..90");
  if (options.patients < 1 || options.patients > 100000)
    return Status::invalidArgument("patients: expected 1..100000");
  World world;
  world.options = options;
  ASSIGN_OR_RETURN(world.city, cityInfo(options.city));
  ASSIGN_OR_RETURN(const auto hospitals, hospitalsOf(options.city));
  RETURN_IF_ERROR(buildDirectory(hospitals, world));
  buildSlots(world);
  RETURN_IF_ERROR(buildReleaseSlots(world));
  std::sort(world.slots.begin(), world.slots.end(), [](const model::SlotT& a, const model::SlotT& b) {
    return a.start != b.start ? a.start < b.start : a.id < b.id;
  });
  for (size_t i = 0; i < world.slots.size(); ++i) world.slot_index.emplace(world.slots[i].id, i);
  buildPatients(world);
  buildLabReports(world);
  buildSummaries(world);
  return world;
}

}  // namespace metrogw::sim
