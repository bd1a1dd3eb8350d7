// The `booking:` section.
#include "config/internal/sections.h"

namespace metrogw::config::internal {

void readBooking(const MapReader& root, LoadContext& ctx) {
  const auto m = root.map("booking", {"hold_ttl_ms"});
  if (!m || !m->valid()) return;
  Booking out;
  m->readMillis("hold_ttl_ms", out.hold_ttl);
  if (!ctx.config.redis) ctx.reader.error(m->where(), "booking needs a redis section (the slot pool)");
  ctx.config.booking = std::move(out);
}

}  // namespace metrogw::config::internal
