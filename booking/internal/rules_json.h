// The booking rules of a `booking:` section as the JSON table the pool's scripts read (ARGV[2]):
// {"*": defaults, "<hospital>": that hospital's rules}.
#pragma once

#include <string>

#include "config/booking.h"

namespace metrogw::booking::internal {

[[nodiscard]] std::string rulesJson(const config::Booking& settings);

}  // namespace metrogw::booking::internal
