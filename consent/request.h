// The body of POST /v1/consents, validated into a grant record (id, home city and recorder are
// the ledger's and the handler's to fill in).
//
//   {"patient":"<person token>",
//    "grantee":{"city":"3405","hospital":"<hospital id>","practitioner":"<practitioner id>"},
//    "categories":["lab-report","record-summary"],   // policy::categoryName values
//    "purposes":["treatment","referral"],            // policy::purposeName values
//    "valid_from":"2026-11-01" | RFC 3339 (default: now), "valid_to": ... (default: open-ended),
//    "source":"12320-app"}                            // platform / channel that took the consent
// At least one grantee field, one category and one purpose. Errors name the member, never echo
// the patient.
#pragma once

#include <cstdint>
#include <string_view>

#include "consent/record.h"

namespace metrogw::consent {

[[nodiscard]] StatusOr<Record> parseGrantBody(std::string_view body, int64_t now_ms);

}  // namespace metrogw::consent
