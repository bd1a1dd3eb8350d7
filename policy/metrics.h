// Policy decision metrics, one set of cells per worker shard. The caller of decide() counts.
//   metrogw_policy_decisions_total{outcome="permit|deny|break-glass", category}
//   metrogw_policy_break_glass_total{category}   (alert on any increase)
#pragma once

#include <array>
#include <cstdint>

#include "observability/metrics.h"
#include "policy/policy.h"

namespace metrogw::policy {

class Metrics {
 public:
  Metrics(observability::Registry& registry, uint32_t shard);

  // Counts one decision (lock-free).
  void count(const Decision& decision, Category category);

 private:
  enum Outcome { kPermit, kDeny, kBreakGlass, kOutcomeCount };
  std::array<std::array<observability::CounterCell*, kCategoryCount>, kOutcomeCount> decisions_{};
  std::array<observability::CounterCell*, kCategoryCount> break_glass_{};
};

}  // namespace metrogw::policy
