// RFC 3339 times for the consent API: parsing what callers send, printing what the ledger answers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace metrogw::consent::internal {

// "YYYY-MM-DD" (midnight China time, UTC+8) or "YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm)" -> Unix ms.
[[nodiscard]] StatusOr<int64_t> parseTime(std::string_view text);

// Unix ms -> "YYYY-MM-DDThh:mm:ssZ" (UTC, seconds precision).
[[nodiscard]] std::string formatTime(int64_t unix_ms);

}  // namespace metrogw::consent::internal
