// The pool's Lua scripts: each step (sync, hold, book, cancel, no-show, read, search) is ONE atomic
// script, so the rules are checked and the places taken with nothing in between.
//
// Common arguments: ARGV[1] key prefix (redis.key_prefix), ARGV[2] the rules table as JSON
// ({"*": defaults, "<hospital>": overrides}, see rules_json.h). Keys are built inside the scripts
// from the prefix (the pool lives on one Redis, not a Cluster). Time is Redis's own (TIME).
//
// Mutating scripts (hold, book, cancel) take ARGV[3] the idempotency record's key ("" for none),
// ARGV[4] the request digest and ARGV[5] the record's TTL in ms, and answer
//   {"ok", "<http status>", "<json body>", ["replay"]}  or  {"problem", "<slug>", "<detail>", ["replay"]}
// The answer is stored under the key, and a later call with the same key and digest gets it back
// ("replay"); the same key with another digest is refused (idempotency-key-reused).
#pragma once

#include "redis/client.h"

namespace metrogw::booking::internal {

// ARGV[6..]: groups of 11 (id, platform id, hospital, department, doctor, start, end, start ms,
// capacity, platform booked, tertiary 0|1); ARGV[3] sync generation. Answers the count of new slots.
[[nodiscard]] const redis::Script& syncUpsertScript();
// ARGV[3] generation, ARGV[4] from ms, ARGV[5] to ms: slots in [from, to) not seen by this
// generation become withdrawn unless the pool booked them. Answers the count withdrawn.
[[nodiscard]] const redis::Script& syncFinishScript();
// ARGV[6] slot, [7] patient, [8] family 0|1, [9] caller, [10] hold TTL ms, [11] city.
[[nodiscard]] const redis::Script& holdScript();
// ARGV[6] slot, [7] patient, [8] family, [9] caller, [10] hold id or "", [11] city, [12] channel,
// [13] caller city, [14] referral JSON or "" (canonical, internal/referral.h; status "requested").
[[nodiscard]] const redis::Script& bookScript();
// ARGV[6] appointment id, [7] caller ("*" for an administrator).
[[nodiscard]] const redis::Script& cancelScript();
// ARGV[6] appointment id, [7] caller: the appointment's JSON (ok 200) or appointment-not-found.
[[nodiscard]] const redis::Script& readScript();
// ARGV[6] appointment id: marks a booked appointment no-show; suspends the patient at the limit.
[[nodiscard]] const redis::Script& noShowScript();
// The receiving side of a referral (internal/referral.h); ARGV[6] appointment id, [7] actor ("*" for
// an administrator, else the hospital id the caller speaks for: it must be the appointment's).
// Status change: [8] new status, [9] the statuses it may come from (space-separated), [10] note.
[[nodiscard]] const redis::Script& referralStatusScript();
// Refer back: [8] the back-referral's canonical JSON; the script adds from (the slot's side), to
// (the referral's from) and created. Only an accepted or completed referral, once.
[[nodiscard]] const redis::Script& referBackScript();
// The referrals a hospital received: ARGV[6] actor (as above), [7] hospital ("" = the actor's),
// [8] referral status ("" = any), [9] offset, [10] limit. ok 200 {"hospital","referrals":[appointment
// JSON...],"next_cursor"?}; a hospital partner asking for another hospital: caller-not-allowed.
[[nodiscard]] const redis::Script& referralListScript();
// ARGV[3] index key suffix, [4] from ms, [5] to ms, [6] offset, [7] limit, [8] hospital, [9]
// department, [10] doctor (""= any). Answers {next offset or "", slot JSON...}.
[[nodiscard]] const redis::Script& searchScript();

}  // namespace metrogw::booking::internal
