// The client's metrics: declared once per Registry (declarations are idempotent) and looked up
// once per client into cell references on its worker's shard, so the command path only does
// relaxed atomic adds.
#pragma once

#include <cstdint>
#include <memory>

#include "observability/metrics.h"

namespace metrogw::redis::internal {

struct Stats {
  // Null when `registry` is null.
  [[nodiscard]] static std::unique_ptr<Stats> create(observability::Registry* registry, uint32_t shard);
  Stats(observability::Registry& registry, uint32_t shard);

  observability::GaugeCell& connected;  // 1 while this worker's client is kReady
  observability::CounterCell& ok;
  observability::CounterCell& error;  // kError replies
  observability::CounterCell& timeout;
  observability::CounterCell& unavailable;
  observability::CounterCell& reconnects;
  observability::HistogramCell& latency;  // seconds, command → reply
};

}  // namespace metrogw::redis::internal
