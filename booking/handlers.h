// The appointment pool's HTTP handlers (registered in code; paths and scopes come from `routes:`):
//   pool-slot-search        GET    /v1/slots (search.h)
//   appointment-hold        POST   /v1/appointments/holds {"slot","patient"}
//                                  -> 201 {"hold","slot","expires"}
//   appointment-book        POST   /v1/appointments {"slot","patient","hold"?,"referral"?} -> 201
//   appointment-read        GET    /v1/appointments/{id}: the appointment (status, delivery, referral)
//   appointment-cancel      DELETE /v1/appointments/{id} -> 200 {"id","status":"cancelled",...}
//   appointment-noshow      POST   /v1/appointments/{id}/$noshow (this city's; admin scope)
//   appointment-referral    POST   /v1/appointments/{id}/referral {"status","note"?} (this city's;
//                                  booking:admin, or booking:hospital for the partner's own hospital)
//   appointment-refer-back  POST   /v1/appointments/{id}/$refer-back {"summary","instructions",...}
//                                  -> 201 (same callers as appointment-referral)
//   pool-sync               POST   /v1/slots/$sync: sync from the platform now (admin scope)
//   booking-peer            POST   /federation/v1/booking: peer nodes' forwarded requests (peer.h)
// Mutating calls need an Idempotency-Key header. Requests for another city's slot or appointment
// are forwarded to its node, whose answer is returned as is; referral status and refer-back are
// answered by the appointment's own node only (the receiving side).
#pragma once

#include "gateway/handler.h"

namespace metrogw::booking {

// Adds this folder's HTTP handlers (mapped to paths by `routes:`) to the registry.
void registerHandlers(gateway::HandlerRegistry& registry);

}  // namespace metrogw::booking
