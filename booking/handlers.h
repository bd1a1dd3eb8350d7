// The metropolitan appointment pool: slots synced from the platform into Redis, holds, bookings and
// cancellations decided atomically by the owning node, delivery to the hospital, referrals.
#pragma once

#include "gateway/handler.h"

namespace metrogw::booking {

// Adds this folder's HTTP handlers (mapped to paths by `routes:`) to the registry.
void registerHandlers(gateway::HandlerRegistry& registry);

}  // namespace metrogw::booking
