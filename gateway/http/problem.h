// RFC 9457 problem details: the one shape every error answer takes.
//
// `type` is a stable URI, `urn:metrogw:problem:<slug>`; partners branch on it, so a slug never
// changes meaning once published (README "Errors" lists them).
#pragma once

#include <string>
#include <string_view>

namespace metrogw::gateway::http {

enum class Problem {
  kMalformedRequest,          // 400
  kNotFound,                  // 404
  kMethodNotAllowed,          // 405
  kRequestTimeout,            // 408
  kBodyTooLarge,              // 413
  kHeaderTooLarge,            // 431
  kNotImplemented,            // 501
  kBadGateway,                // 502
  kUpstreamUnavailable,       // 503
  kCircuitOpen,               // 503
  kDraining,                  // 503
  kTooManyConnections,        // 503
  kUpstreamTimeout,           // 504
  kInternal,                  // 500
  kCallerNotAllowed,          // 403: caller is not a configured peer / lacks the route's scope
  kInvalidParameter,          // 400: a query parameter is missing or malformed
  kUnprocessable,             // 422: well-formed but not a message this endpoint takes
  kPlatformError,             // 502: the city platform refused or failed the request
  kInvalidIdentifier,         // 422: a patient identifier breaks a rule (the detail names the rule)
  kUnknownPatient,            // 404: no cross-reference for this person token
  kSlotUnavailable,           // 409: the slot has no place left for this caller (or is gone)
  kHoldExpired,               // 409: the hold expired or does not exist
  kBookingWindowClosed,       // 409: the slot is outside the caller's booking window
  kReservedForFamilyDoctors,  // 409: only the family-doctor share is left
  kPatientLimit,              // 409: a per-patient booking limit is reached (detail names it)
  kPatientSuspended,          // 409: no-show suspension in force
  kCancelCutoff,              // 409: too close to the start to cancel online
  kIdempotencyKeyRequired,    // 400: a mutating call without Idempotency-Key
  kIdempotencyKeyReused,      // 422: the key was used for a different request
  kAppointmentNotFound,       // 404: no such appointment or hold
  kConsentRequired,           // 403: no consent permits this access
  kConsentNotFound,           // 404: no such consent record
  kBreakGlassNotPermitted,    // 403: emergency access refused (disabled or no reason)
  kAuditUnavailable,          // 503: the audit trail cannot be written; nothing is released
  kInvalidReferral,     // 422: a referral (or its status/refer-back) breaks a rule; detail names the field
  kReferralTransition,  // 409: the referral's status does not allow this transition
};

// The last enumerator: code that walks the catalogue (slug lookup, tests) stops here. Move it when
// appending a problem.
inline constexpr Problem kLastProblem = Problem::kReferralTransition;

struct ProblemInfo {
  int status;
  std::string_view slug;
  std::string_view title;
};

[[nodiscard]] const ProblemInfo& problemInfo(Problem p);
[[nodiscard]] std::string problemType(Problem p);  // "urn:metrogw:problem:<slug>"

// The JSON body: {"type":..,"title":..,"status":..,"detail":..,"instance":..}. `detail` must not
// contain personal data; `request_id` becomes `instance` as "urn:metrogw:request:<id>".
[[nodiscard]] std::string problemBody(Problem p, std::string_view detail, std::string_view request_id);

[[nodiscard]] std::string_view reasonPhrase(int status);

}  // namespace metrogw::gateway::http
