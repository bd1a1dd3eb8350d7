// Clocks behind an interface so tests can inject time.
#pragma once

#include <chrono>
#include <cstdint>

namespace metrogw {

using MonotonicTime = std::chrono::steady_clock::time_point;
using SystemTime = std::chrono::system_clock::time_point;

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  [[nodiscard]] virtual MonotonicTime monotonicNow() const = 0;
  [[nodiscard]] virtual SystemTime systemNow() const = 0;
};

class RealTimeSource final : public TimeSource {
 public:
  [[nodiscard]] MonotonicTime monotonicNow() const override { return std::chrono::steady_clock::now(); }
  [[nodiscard]] SystemTime systemNow() const override { return std::chrono::system_clock::now(); }
  static RealTimeSource& instance();
};

// Milliseconds between two monotonic points, as a double (for histograms).
[[nodiscard]] inline double secondsBetween(MonotonicTime a, MonotonicTime b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace metrogw
