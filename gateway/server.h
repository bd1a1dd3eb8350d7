// The gateway server: binds the listeners, runs N workers and swaps configuration on reload.
//
// Threading: every method is called from one control thread (main). Workers run on their own
// threads; the Server reaches them only by posting.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "gateway/handler.h"
#include "observability/metrics.h"

namespace metrogw::gateway {

class Server {
 public:
  virtual ~Server() = default;

  // Binds every listener on every worker (SO_REUSEPORT) and starts the workers.
  [[nodiscard]] virtual Status start() = 0;
  // Builds everything the new config needs (TLS contexts, resolved hosts) and swaps it into every
  // worker. Connections stay open. Listener and worker-count changes need a restart and are refused.
  [[nodiscard]] virtual Status reload(config::ConfigPtr config) = 0;
  // Stops accepting, lets in-flight exchanges finish for up to the drain timeout, then stops.
  // Returns the number of connections still open when the deadline passed (0 = clean drain).
  virtual size_t drainAndStop() = 0;
  // Ports actually bound, by listener, in config order (useful with port 0).
  [[nodiscard]] virtual std::vector<uint16_t> listenerPorts() const = 0;
  [[nodiscard]] virtual size_t connectionCount() const = 0;
};

// `registry` must have one shard per worker (config.workers resolved; see resolveWorkerCount).
[[nodiscard]] StatusOr<std::unique_ptr<Server>> createServer(config::ConfigPtr config,
                                                             observability::Registry& registry,
                                                             const HandlerRegistry& handlers);

[[nodiscard]] uint32_t resolveWorkerCount(const config::Config& config);

}  // namespace metrogw::gateway
