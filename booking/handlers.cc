#include "booking/handlers.h"

namespace metrogw::booking {

void registerHandlers(gateway::HandlerRegistry& /*registry*/) {}

}  // namespace metrogw::booking
