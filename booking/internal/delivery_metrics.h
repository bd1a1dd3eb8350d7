// The delivery consumer's metrics (cells on the consumer's worker shard).
#pragma once

#include "observability/metrics.h"

namespace metrogw::booking::internal {

struct DeliveryMetrics {
  DeliveryMetrics(observability::Registry& registry, uint32_t shard);

  // metrogw_booking_delivery_total{outcome="delivered|retry|failed|skipped"}
  observability::CounterCell& delivered;
  observability::CounterCell& retry;
  observability::CounterCell& failed;
  observability::CounterCell& skipped;
  observability::CounterCell& attempts;  // metrogw_booking_delivery_attempts_total (platform exchanges)
  observability::GaugeCell& lag;         // metrogw_booking_delivery_lag_seconds (oldest pending entry)
  observability::GaugeCell& pending;     // metrogw_booking_delivery_pending (entries not acknowledged)
  // metrogw_booking_webhook_total{result="ok|error"}
  observability::CounterCell& webhook_ok;
  observability::CounterCell& webhook_error;
};

}  // namespace metrogw::booking::internal
