#include "booking/metrics.h"

namespace metrogw::booking {
namespace {

using observability::FamilyId;
using observability::Registry;

constexpr std::array<std::string_view, 9> kOps = {
    "hold", "book", "cancel", "read", "search", "noshow", "referral", "refer-back", "referral-list"};
constexpr std::array<std::string_view, 5> kResults = {"ok", "refused", "replay", "forwarded", "error"};

FamilyId syncFamily(Registry& r) {
  return r.addCounter(
      "metrogw_booking_syncs_total",
      "Slot syncs from the platform by result (skipped: another worker or node held the lock).", {"result"});
}

}  // namespace

Metrics::Metrics(Registry& r, uint32_t shard)
    : pool_slots(r.gauge(
          r.addGauge("metrogw_booking_pool_slots", "Slots in the appointment pool's search index.", {}),
          shard, {})),
      sync_ok(r.counter(syncFamily(r), shard, {"ok"})),
      sync_error(r.counter(syncFamily(r), shard, {"error"})),
      sync_skipped(r.counter(syncFamily(r), shard, {"skipped"})),
      synced_slots(r.counter(r.addCounter("metrogw_booking_synced_slots_total",
                                          "Platform slots upserted into the pool by syncs.", {}),
                             shard, {})) {
  const FamilyId family =
      r.addCounter("metrogw_booking_requests_total",
                   "Appointment pool requests by operation and outcome (refused: a booking rule said no).",
                   {"op", "outcome"});
  for (size_t o = 0; o < kOps.size(); ++o) {
    for (size_t k = 0; k < kResults.size(); ++k)
      requests[o][k] = &r.counter(family, shard, {std::string(kOps[o]), std::string(kResults[k])});
  }
  const FamilyId referral_family = r.addCounter("metrogw_booking_referrals_total",
                                                "Referrals reaching a status on this owning node (requested, "
                                                "accepted, rejected, completed, referred-back).",
                                                {"status"});
  for (size_t i = 0; i < kReferralStatuses.size(); ++i)
    referrals[i] = &r.counter(referral_family, shard, {std::string(kReferralStatuses[i])});
}

void Metrics::referral(std::string_view status) {
  for (size_t i = 0; i < kReferralStatuses.size(); ++i) {
    if (kReferralStatuses[i] == status) referrals[i]->inc();
  }
}

}  // namespace metrogw::booking
