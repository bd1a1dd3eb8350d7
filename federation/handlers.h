// The federation's HTTP handlers (registered in code, mapped to paths by `routes:`):
//   slot-search         GET /v1/slots?department=&city=&from=&to=&organization=&limit=&family_doctor=
//   hospital-directory  GET /v1/hospitals?city=
//   federation-peer     POST /federation/v1/query   (peers only, on the mTLS federation listener)
// The north handlers fan out to the named cities (default: this city and every peer) and answer
// JSON: the merged canonical SearchResult, with `incomplete` listing cities that failed or were
// late. federation-peer answers a peer's envelope from this city's platform only (no re-fan-out).
#pragma once

#include "gateway/handler.h"

namespace metrogw::federation {

void registerHandlers(gateway::HandlerRegistry& registry);

}  // namespace metrogw::federation
