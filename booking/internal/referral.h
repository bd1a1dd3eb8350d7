// Two-way referrals (双向转诊) carried by a booking: the validated referral of
// POST /v1/appointments, the status bodies of POST /v1/appointments/{id}/referral and the
// back-referral of POST /v1/appointments/{id}/$refer-back. Pure functions (no I/O): each answers
// the canonical JSON the pool's scripts store, or an error whose message names the field
// ("referral.from.city: ..."), answered as 422 invalid-referral.
//
// Referral (stored as given, canonical key order; `to` is never sent: the slot implies it):
//   {"id", "from":{"city","hospital","practitioner"}, "diagnosis" (ICD-10 code),
//    "reason"?, "summary"? (clinical summary)}
// Free text (reason, summary, note, instructions) is bounded and must not carry identifiers: a run
// of 11 or more digits (a phone or resident ID number) is refused.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace metrogw::booking::internal {

// The referral statuses, in the order they are reached; rejected ends a referral instead.
inline constexpr std::string_view kReferralRequested = "requested";

// The referral object of a booking request (JSON text of an object) for a caller of `caller_city`:
// the referring side is the caller's own city. Answers the canonical JSON.
[[nodiscard]] StatusOr<std::string> canonicalReferral(std::string_view referral_json,
                                                      std::string_view caller_city);

// {"status": accepted|rejected|completed, "note"?}: the target status and the note ("" if none).
struct StatusChange {
  std::string status;
  std::string note;
};
[[nodiscard]] StatusOr<StatusChange> parseStatusChange(std::string_view body);

// The statuses a referral may move to `to` from, space-separated ("requested" for accepted); "" when
// `to` is not a status a receiving side sets. The pool's script checks the current status against it
// atomically.
[[nodiscard]] std::string_view allowedFrom(std::string_view to);

// {"summary", "instructions", "diagnosis"?, "practitioner"?, "id"?}: the canonical JSON of a
// back-referral's own fields (the script adds from, to and created).
[[nodiscard]] StatusOr<std::string> canonicalReferBack(std::string_view body);

// True when `code` looks like an ICD-10 code: a capital letter, two characters of which the first is
// a digit, then optionally '.' and 1-8 letters or digits ("M17.1", "I21.000x001", "U07.1").
[[nodiscard]] bool isIcd10(std::string_view code);

}  // namespace metrogw::booking::internal
