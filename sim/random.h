// Deterministic pseudo-random numbers for the simulated worlds (splitmix64).
//
// The standard library's distributions differ between implementations, so worlds use this small
// generator only: the same (seed, stream name) gives the same sequence on every platform.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace metrogw::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // An independent stream for one part of a world ("slots", "patients:3201", ...).
  Rng(uint64_t seed, std::string_view stream) : state_(seed ^ hash(stream)) {}

  [[nodiscard]] uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n must be > 0.
  [[nodiscard]] uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
  // Uniform in [lo, hi].
  [[nodiscard]] int between(int lo, int hi) {
    return lo + static_cast<int>(below(static_cast<uint32_t>(hi - lo + 1)));
  }
  // True with probability percent/100.
  [[nodiscard]] bool chance(uint32_t percent) { return below(100) < percent; }
  // Uniform in [0, 1).
  [[nodiscard]] double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  template <class T>
  [[nodiscard]] const T& pick(const std::vector<T>& items) {
    return items[below(static_cast<uint32_t>(items.size()))];
  }

  // FNV-1a, for stream names.
  [[nodiscard]] static constexpr uint64_t hash(std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return h;
  }

 private:
  uint64_t state_;
};

}  // namespace metrogw::sim
