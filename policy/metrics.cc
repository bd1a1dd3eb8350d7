#include "policy/metrics.h"

#include <string>

namespace metrogw::policy {

Metrics::Metrics(observability::Registry& r, uint32_t shard) {
  const auto decisions =
      r.addCounter("metrogw_policy_decisions_total",
                   "Consent policy decisions by outcome (permit, deny, break-glass) and category.",
                   {"outcome", "category"});
  const auto glass =
      r.addCounter("metrogw_policy_break_glass_total",
                   "Emergency break-glass accesses (permitted without consent) by category.", {"category"});
  const std::array<const char*, kOutcomeCount> outcomes = {"permit", "deny", "break-glass"};
  for (size_t c = 0; c < kCategoryCount; ++c) {
    const std::string category(categoryName(static_cast<Category>(c)));
    for (size_t o = 0; o < kOutcomeCount; ++o)
      decisions_[o][c] = &r.counter(decisions, shard, {outcomes[o], category});
    break_glass_[c] = &r.counter(glass, shard, {category});
  }
}

void Metrics::count(const Decision& decision, Category category) {
  const auto c = static_cast<size_t>(category);
  const Outcome o = !decision.permit ? kDeny : decision.break_glass ? kBreakGlass : kPermit;
  decisions_[o][c]->inc();
  if (decision.break_glass) break_glass_[c]->inc();
}

}  // namespace metrogw::policy
