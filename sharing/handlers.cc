#include "sharing/handlers.h"

namespace metrogw::sharing {

void registerHandlers(gateway::HandlerRegistry& /*registry*/) {}

}  // namespace metrogw::sharing
