// Reconnect delays: exponential (min, 2·min, 4·min, … capped at max) with "equal jitter" — each
// delay is drawn uniformly from [d/2, d] so that workers that lost Redis together do not retry in
// lock step. Not thread-safe (one per client).
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace metrogw::redis::internal {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, uint64_t seed);

  // The delay before the next attempt; each call doubles the base until it reaches max.
  [[nodiscard]] std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  uint32_t attempt_ = 0;  // doublings so far, no longer counted once max is reached
  std::minstd_rand rng_;
};

}  // namespace metrogw::redis::internal
