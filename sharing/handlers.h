// Consent-governed sharing of lab reports and health records across cities, with every access
// decided by the policy engine and written to the audit trail.
#pragma once

#include "gateway/handler.h"

namespace metrogw::sharing {

// Adds this folder's HTTP handlers (mapped to paths by `routes:`) to the registry.
void registerHandlers(gateway::HandlerRegistry& registry);

}  // namespace metrogw::sharing
