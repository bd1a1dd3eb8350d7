// ISO 8601 times of the pool: slot starts from the platforms and the search bounds of the API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace metrogw::booking::internal {

// "YYYY-MM-DD" (midnight China time), "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z", "±HH:MM" or no
// offset (China time, UTC+8) -> unix milliseconds.
[[nodiscard]] StatusOr<int64_t> parseIsoMs(std::string_view text);

// The month of a unix-milliseconds instant in China time, "YYYY-MM" (statistics keys).
[[nodiscard]] std::string chinaMonth(int64_t unix_ms);

// Now, unix milliseconds.
[[nodiscard]] int64_t unixNowMs();

}  // namespace metrogw::booking::internal
