// The north API's booking requests: JSON bodies, the Idempotency-Key, the caller (channel and
// family-doctor scope) and the request digest an Idempotency-Key is bound to.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "booking/pool.h"
#include "config/config.h"
#include "gateway/handler.h"

namespace metrogw::booking::internal {

inline constexpr std::string_view kFamilyDoctorScope = "booking:family-doctor";
inline constexpr std::string_view kAdminScope = "booking:admin";
inline constexpr std::string_view kHospitalScope = "booking:hospital";

// {"slot","patient","hold"?,"referral"?} (hold requests: slot and patient only). Errors name the field.
[[nodiscard]] StatusOr<BookRequest> parseBookBody(std::string_view body);
// A query parameter's unsigned number in [min, max]; the error is "parameter 'NAME': MIN-MAX".
[[nodiscard]] StatusOr<uint64_t> numberParam(std::string_view name, std::string_view value, uint64_t min,
                                             uint64_t max);

// The Idempotency-Key header (1..128 visible ASCII characters); nullopt when absent, an error when bad.
[[nodiscard]] StatusOr<std::optional<std::string>> idempotencyKey(const gateway::http::MessageHead& head);

// The caller as the pool knows it: channel = the partner's name (else "anonymous"), family when
// the partner (or, without a certificate, the listener's anonymous scopes) holds booking:family-doctor.
[[nodiscard]] Caller localCaller(const config::Config& config, std::string_view subject,
                                 std::string_view listener, const std::string& city);

// Who acts on this city's referrals (status, refer-back): "*" for a caller holding booking:admin
// (partner scopes, or the listener's anonymous scopes without a certificate), the partner's name
// for a partner holding booking:hospital (it speaks for the hospital of that id), else "".
[[nodiscard]] std::string referralActor(const config::Config& config, std::string_view subject,
                                        std::string_view listener);

// SHA-256 (hex) of what an Idempotency-Key answers for: operation, target and body.
[[nodiscard]] std::string requestDigest(std::string_view op, std::string_view target, std::string_view body);

// The city prefix of a pool id ("3201.s-1" -> "3201"); "" when the id has no 4-digit prefix.
[[nodiscard]] std::string cityOfId(std::string_view id);

}  // namespace metrogw::booking::internal
