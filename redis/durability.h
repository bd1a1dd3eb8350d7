#pragma once
// redis.wait_replicas / wait_timeout_ms: a write is confirmed to its caller only once that many
// replicas acknowledged it, so that a Sentinel failover cannot lose what was confirmed. The booking
// pool and the consent ledger both confirm their writes this way.

#include <chrono>
#include <cstdint>
#include <functional>

#include "common/status.h"
#include "config/config.h"
#include "redis/client.h"

namespace metrogw::redis {

struct Durability {
  uint32_t replicas = 0;  // 0: the primary's own fsync is the durability; nothing to wait for
  std::chrono::milliseconds timeout{500};
};

[[nodiscard]] inline Durability durabilityFrom(const config::Redis& redis) {
  return {redis.wait_replicas, redis.wait_timeout};
}

// Sends WAIT on `client` (so it covers every write that client made before) and calls `done` with
// OK once `d.replicas` replicas acknowledged, or upstreamUnavailable ("not yet on N replica(s) (M
// acknowledged)") when the timeout passed with fewer or WAIT failed. Needs d.replicas > 0. `done`
// runs on the client's loop, never inside the call.
void waitForReplicas(Client& client, const Durability& d, std::function<void(const Status&)> done);

}  // namespace metrogw::redis
