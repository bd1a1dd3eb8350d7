// The pool's metrics (one set of cells per worker shard):
//   metrogw_booking_requests_total{op="hold|book|cancel|read|search|noshow|referral|refer-back",
//     outcome="ok|refused|replay|forwarded|error"}
//   metrogw_booking_referrals_total{status="requested|accepted|rejected|completed|referred-back"}
//     referrals reaching a status on this (owning) node: requested when a booking carrying one is
//     made, referred-back when the specialist's side refers the patient back; replays not counted
//   metrogw_booking_pool_slots          slots in the pool's search index (set by worker 0 after a sync)
//   metrogw_booking_syncs_total{result="ok|error|skipped"} (skipped: another worker/node held the lock)
//   metrogw_booking_synced_slots_total  platform slots upserted by syncs
#pragma once

#include <array>
#include <string_view>

#include "observability/metrics.h"

namespace metrogw::booking {

enum class Op : uint8_t {
  kHold,
  kBook,
  kCancel,
  kRead,
  kSearch,
  kNoShow,
  kReferral,
  kReferBack,
  kReferralList
};
enum class Result : uint8_t { kOk, kRefused, kReplay, kForwarded, kError };

struct Metrics {
  Metrics(observability::Registry& registry, uint32_t shard);

  void count(Op op, Result result) { requests[static_cast<size_t>(op)][static_cast<size_t>(result)]->inc(); }
  // One referral reached `status` (a name of kReferralStatuses; others are ignored).
  void referral(std::string_view status);

  static constexpr std::array<std::string_view, 5> kReferralStatuses = {"requested", "accepted", "rejected",
                                                                        "completed", "referred-back"};
  std::array<std::array<observability::CounterCell*, 5>, 9> requests{};
  std::array<observability::CounterCell*, 5> referrals{};
  observability::GaugeCell& pool_slots;
  observability::CounterCell& sync_ok;
  observability::CounterCell& sync_error;
  observability::CounterCell& sync_skipped;
  observability::CounterCell& synced_slots;
};

}  // namespace metrogw::booking
