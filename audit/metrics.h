// Audit trail metrics (process-wide cells on shard 0; the Log serialises writers anyway).
//   metrogw_audit_write_seconds            histogram of append() latency (format + hash + write(2))
//   metrogw_audit_write_failures_total     appends that failed (data was not released)
//   metrogw_audit_records_total            records appended
//   metrogw_audit_torn_repairs_total       torn last lines cut off when the log was opened
//   metrogw_audit_retention_deleted_total  files deleted by retention
//   metrogw_audit_shipping_lag_records     records written but not yet in the Redis stream
//   metrogw_audit_shipped_total / metrogw_audit_ship_errors_total
#pragma once

#include "observability/metrics.h"

namespace metrogw::audit {

struct Metrics {
  explicit Metrics(observability::Registry& registry);

  observability::HistogramCell& write_seconds;
  observability::CounterCell& write_failures;
  observability::CounterCell& records;
  observability::CounterCell& torn_repairs;
  observability::CounterCell& retention_deleted;
  observability::GaugeCell& shipping_lag;
  observability::CounterCell& shipped;
  observability::CounterCell& ship_errors;
};

}  // namespace metrogw::audit
