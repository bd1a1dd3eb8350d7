// The identity API (handlers registered in code; paths and scopes come from `routes:`):
//   patient-resolve   POST   /v1/patients/$resolve       body: request.h  → token + cross-reference
//   patient-xref      GET    /v1/patients/{token}        the cached cross-reference (404 if none)
//   patient-forget    DELETE /v1/patients/{token}/cache  invalidates it (204)
//   platform-events   POST   /v1/platform/events         a patient update/merge message from this
//                     city's platform, in its dialect: the person's cached entries are invalidated
#pragma once

#include "gateway/handler.h"

namespace metrogw::identity::index {

// Registers the handlers and the /readyz note on Redis degradation.
void registerHandlers(gateway::HandlerRegistry& registry);

}  // namespace metrogw::identity::index
