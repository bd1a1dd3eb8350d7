#include "booking/internal/delivery_metrics.h"

namespace metrogw::booking::internal {
namespace {

using observability::FamilyId;
using observability::Registry;

FamilyId outcomeFamily(Registry& r) {
  return r.addCounter("metrogw_booking_delivery_total",
                      "Delivery stream entries by outcome (delivered, retry, failed, skipped).", {"outcome"});
}
FamilyId webhookFamily(Registry& r) {
  return r.addCounter("metrogw_booking_webhook_total", "Webhook notifications of final delivery failures.",
                      {"result"});
}

}  // namespace

DeliveryMetrics::DeliveryMetrics(Registry& r, uint32_t shard)
    : delivered(r.counter(outcomeFamily(r), shard, {"delivered"})),
      retry(r.counter(outcomeFamily(r), shard, {"retry"})),
      failed(r.counter(outcomeFamily(r), shard, {"failed"})),
      skipped(r.counter(outcomeFamily(r), shard, {"skipped"})),
      attempts(r.counter(
          r.addCounter("metrogw_booking_delivery_attempts_total",
                       "Book and cancel commands sent to the platform by the delivery consumer.", {}),
          shard, {})),
      lag(r.gauge(r.addGauge("metrogw_booking_delivery_lag_seconds",
                             "Age of the oldest delivery entry not yet acknowledged (0 when none).", {}),
                  shard, {})),
      pending(r.gauge(r.addGauge("metrogw_booking_delivery_pending",
                                 "Delivery entries read but not yet acknowledged by the consumer group.", {}),
                      shard, {})),
      webhook_ok(r.counter(webhookFamily(r), shard, {"ok"})),
      webhook_error(r.counter(webhookFamily(r), shard, {"error"})) {}

}  // namespace metrogw::booking::internal
