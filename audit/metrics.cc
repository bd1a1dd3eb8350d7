#include "audit/metrics.h"

namespace metrogw::audit {
namespace {

using observability::Registry;

observability::CounterCell& counter(Registry& r, const char* name, const char* help) {
  return r.counter(r.addCounter(name, help, {}), 0, {});
}

}  // namespace

Metrics::Metrics(Registry& r)
    : write_seconds(r.histogram(
          r.addHistogram("metrogw_audit_write_seconds", "Audit append latency: format, hash and write(2).",
                         {}, {1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.025, 0.1, 1}),
          0, {})),
      write_failures(counter(r, "metrogw_audit_write_failures_total",
                             "Audit appends that failed; the data was not released (fail closed).")),
      records(counter(r, "metrogw_audit_records_total", "Audit records appended.")),
      torn_repairs(counter(r, "metrogw_audit_torn_repairs_total",
                           "Torn last lines (crash mid-write) cut off when the audit log was opened.")),
      retention_deleted(
          counter(r, "metrogw_audit_retention_deleted_total", "Audit files deleted by retention.")),
      shipping_lag(
          r.gauge(r.addGauge("metrogw_audit_shipping_lag_records",
                             "Audit records written to file but not yet shipped to the Redis stream.", {}),
                  0, {})),
      shipped(counter(r, "metrogw_audit_shipped_total", "Audit records shipped to the Redis stream.")),
      ship_errors(counter(r, "metrogw_audit_ship_errors_total", "Failed attempts to ship audit records.")) {}

}  // namespace metrogw::audit
