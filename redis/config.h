#pragma once
// The client options of a node's `redis:` section (config::Redis): one conversion for every folder
// that opens a Redis client (identity, booking, sharing), so that a new key reaches all of them.

#include "common/status.h"
#include "config/config.h"
#include "redis/client.h"

namespace metrogw::redis {

// Reads the password file (errors name the file, never its content).
[[nodiscard]] StatusOr<Options> optionsFromConfig(const config::Redis& redis);

// For the blocking users of a redis: section (the audit shipper's thread, `metrogw report`): the
// primary to connect to now — `address`, or in sentinel mode the primary the first answering
// sentinel names (each asked synchronously within connect_timeout).
[[nodiscard]] StatusOr<config::HostAddress> currentPrimary(const config::Redis& redis);

}  // namespace metrogw::redis
