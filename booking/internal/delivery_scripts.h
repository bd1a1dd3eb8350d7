// The delivery consumer's Lua scripts (one atomic step each; see booking/delivery.h).
#pragma once

#include "redis/client.h"

namespace metrogw::booking::internal {

// The platform took the entry.
//   KEYS[1] appointment hash, KEYS[2] delivery stream
//   ARGV[1] action (book|cancel), ARGV[2] platform_ref, ARGV[3] now (ms), ARGV[4] appointment id
// book: platform_ref and delivery=delivered; when the appointment was cancelled (or failed) while
// the book was on its way, a cancel entry is appended so the platform does not keep it. Returns 1,
// 2 when a cancel was queued, 0 when the appointment no longer exists.
[[nodiscard]] const redis::Script& deliveredScript();

// The platform refused for good (or max attempts).
//   KEYS[1] appointment hash, KEYS[2] slot hash, KEYS[3] the patient's day (P pool:pday:<patient>:<date>)
//   ARGV[1] reason, ARGV[2] now (ms), ARGV[3] appointment id
// A booked appointment becomes status=failed and gives its place back (booked −1, booked_family −1
// when family=1, and the appointment leaves the patient's day so it no longer counts
// against the per-patient limits); every later run finds status=failed and changes nothing, so the place is
// released exactly once. A cancelled one keeps its status (its place went back on cancel). Sets
// delivery=failed and reason. Returns 1 when a place was released, else 0.
[[nodiscard]] const redis::Script& failScript();

}  // namespace metrogw::booking::internal
