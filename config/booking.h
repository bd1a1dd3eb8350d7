// The appointment pool's settings (`booking:`): sync from the platform, hold expiry, the booking
// rules per hospital, delivery to the platform. Part of config::Config (config/config.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace metrogw::config {

struct Booking {
  std::chrono::milliseconds hold_ttl{5 * 60'000};  // a hold keeps its place this long
};

}  // namespace metrogw::config
