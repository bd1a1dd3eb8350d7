// Exponential backoff with equal jitter.
#include "redis/internal/backoff.h"

#include <algorithm>

namespace metrogw::redis::internal {

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, uint64_t seed)
    : min_(std::max(min, std::chrono::milliseconds(1))),
      max_(std::max(max, min_)),
      rng_(static_cast<std::minstd_rand::result_type>(seed % 2147483646U + 1U)) {}

std::chrono::milliseconds Backoff::next() {
  int64_t capped = min_.count();
  for (uint32_t i = 0; i < attempt_ && capped < max_.count(); ++i) capped *= 2;
  capped = std::min<int64_t>(capped, max_.count());
  if (capped < max_.count()) ++attempt_;  // stops counting once the cap is reached
  std::uniform_int_distribution<int64_t> jitter(capped / 2, capped);
  return std::chrono::milliseconds(std::max<int64_t>(1, jitter(rng_)));
}

}  // namespace metrogw::redis::internal
