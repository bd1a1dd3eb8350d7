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

}  // namespace

std::unique_ptr<Stats> Stats::create(observability::Registry* registry, uint32_t shard) {
  if (registry == nullptr) return nullptr;
  observability::Registry& r = *registry;
  const auto connected =
      r.addGauge("metrogw_redis_connected", "Workers whose Redis connection is ready.", {});
  const auto commands =
      r.addCounter("metrogw_redis_commands_total", "Redis commands by outcome.", {"result"});
  const auto reconnects =
      r.addCounter("metrogw_redis_reconnects_total", "Redis connection attempts after the first.", {});
  const auto latency = r.addHistogram("metrogw_redis_command_seconds",
                                      "Redis command round trip (replies only).", {}, commandBuckets());
  return std::unique_ptr<Stats>(new Stats{r.gauge(connected, shard, {}), r.counter(commands, shard, {"ok"}),
                                          r.counter(commands, shard, {"error"}),
                                          r.counter(commands, shard, {"timeout"}),
                                          r.counter(commands, shard, {"unavailable"}),
                                          r.counter(reconnects, shard, {}), r.histogram(latency, shard, {})});
}

}  // namespace metrogw::redis::internal
