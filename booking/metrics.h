// The pool's metrics (one set of cells per worker shard):
//   metrogw_booking_requests_total{op="hold|book|cancel|read|search|noshow",
//   outcome="ok|refused|replay|forwarded|error"} metrogw_booking_pool_slots          slots in the pool's
//   search index (set by worker 0 after a sync) metrogw_booking_syncs_total{result="ok|error|skipped"}
//   (skipped: another worker/node held the lock) metrogw_booking_synced_slots_total  platform slots upserted
//   by syncs
#pragma once

#include <array>
#include <string_view>

#include "observability/metrics.h"

namespace metrogw::booking {

enum class Op : uint8_t { kHold, kBook, kCancel, kRead, kSearch, kNoShow };
enum class Result : uint8_t { kOk, kRefused, kReplay, kForwarded, kError };

struct Metrics {
  Metrics(observability::Registry& registry, uint32_t shard);

  void count(Op op, Result result) { requests[static_cast<size_t>(op)][static_cast<size_t>(result)]->inc(); }

  std::array<std::array<observability::CounterCell*, 5>, 6> requests{};
  observability::GaugeCell& pool_slots;
  observability::CounterCell& sync_ok;
  observability::CounterCell& sync_error;
  observability::CounterCell& sync_skipped;
  observability::CounterCell& synced_slots;
};

}  // namespace metrogw::booking
