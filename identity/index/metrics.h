// The identity service's metrics (one set of cells per worker shard).
#pragma once

#include <array>

#include "observability/metrics.h"

namespace metrogw::identity::index {

struct Metrics {
  Metrics(observability::Registry& registry, uint32_t shard);

  // metrogw_identity_cache_total{layer="memory|redis", result="hit|miss|error"}
  observability::CounterCell& memory_hit;
  observability::CounterCell& memory_miss;
  observability::CounterCell& redis_hit;
  observability::CounterCell& redis_miss;
  observability::CounterCell& redis_error;
  // metrogw_identity_discoveries_total{outcome="linked|unknown|conflict|partial"}
  observability::CounterCell& linked;
  observability::CounterCell& unknown;
  observability::CounterCell& conflict;
  observability::CounterCell& partial;
  observability::HistogramCell& discovery_seconds;  // metrogw_identity_discovery_seconds
  observability::CounterCell& conflicts;            // metrogw_identity_conflicts_total (records)
  // metrogw_identity_singleflight_joins_total{scope="worker|node"}
  observability::CounterCell& joined_worker;
  observability::CounterCell& joined_node;
  // metrogw_identity_invalidations_total{trigger="api|platform"}
  observability::CounterCell& invalidated_api;
  observability::CounterCell& invalidated_platform;
};

}  // namespace metrogw::identity::index
