// Metric declarations and per-shard cell lookup.
#include "redis/internal/stats.h"

#include <vector>

namespace metrogw::redis::internal {
namespace {

// Redis answers in tens of microseconds on a LAN; the default latency buckets start at 0.5 ms.
const std::vector<double>& commandBuckets() {
  static const std::vector<double> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                               0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
  return kBuckets;
}

observability::FamilyId commandsFamily(observability::Registry& r) {
  return r.addCounter("metrogw_redis_commands_total", "Redis commands by outcome.", {"result"});
}

}  // namespace

std::unique_ptr<Stats> Stats::create(observability::Registry* registry, uint32_t shard) {
  return registry != nullptr ? std::make_unique<Stats>(*registry, shard) : nullptr;
}

// Declaring again returns the first declaration's id, so every client may declare.
Stats::Stats(observability::Registry& r, uint32_t shard)
    : connected(r.gauge(r.addGauge("metrogw_redis_connected", "Workers whose Redis connection is ready.", {}),
                        shard, {})),
      ok(r.counter(commandsFamily(r), shard, {"ok"})),
      error(r.counter(commandsFamily(r), shard, {"error"})),
      timeout(r.counter(commandsFamily(r), shard, {"timeout"})),
      unavailable(r.counter(commandsFamily(r), shard, {"unavailable"})),
      reconnects(r.counter(
          r.addCounter("metrogw_redis_reconnects_total", "Redis connection attempts after the first.", {}),
          shard, {})),
      latency(r.histogram(r.addHistogram("metrogw_redis_command_seconds",
                                         "Redis command round trip (replies only).", {}, commandBuckets()),
                          shard, {})) {}

}  // namespace metrogw::redis::internal
