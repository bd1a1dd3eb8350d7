// The consent policy engine: a pure function from (request, the patient's consent records,
// settings) to a decision with obligations. No I/O, no locks; safe from any thread.
//
// Rules (deny by default):
//  - Only records of the request's patient count. A record permits when its grantee matches the
//    caller, it names the category and the purpose, now is inside [not_before_ms, not_after_ms)
//    and it is not revoked at now (revoked && now >= revoked_ms).
//  - Grantee: every non-empty field must match the caller, so the most specific non-empty field
//    binds: a grant to a city covers its hospitals and practitioners; a grant to a hospital
//    covers its practitioners; a grant to a practitioner covers only that practitioner (in that
//    hospital/city when those are set). A grantee with no field set matches nobody.
//  - When no record permits, the reason is that of the record that came closest, checked in the
//    order grantee, category, purpose, time ("not-yet-valid" / "expired"), revocation; with no
//    record for the patient the reason is "no-consent".
//  - Break-glass: when no record permits and the purpose is emergency, the request is permitted
//    with break_glass = true if Settings::break_glass_enabled and break_glass_reason is non-empty;
//    otherwise denied with "break-glass-disabled" or "break-glass-no-reason".
//  - Obligations: a permit carries Settings::drop_fields for (category, purpose): the fields the
//    caller must remove from the records before release (minimum necessary, PIPL art. 6).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace metrogw::policy {

enum class Category { kLabReport, kExamReport, kRecordSummary, kAppointment };
enum class Purpose { kTreatment, kReferral, kEmergency };
inline constexpr size_t kCategoryCount = 4;
inline constexpr size_t kPurposeCount = 3;

// "lab-report", "exam-report", "record-summary", "appointment".
[[nodiscard]] std::string_view categoryName(Category category);
[[nodiscard]] StatusOr<Category> parseCategory(std::string_view name);  // invalidArgument
// "treatment", "referral", "emergency".
[[nodiscard]] std::string_view purposeName(Purpose purpose);
[[nodiscard]] StatusOr<Purpose> parsePurpose(std::string_view name);  // invalidArgument

// Who a consent is granted to. Every non-empty field must match the caller.
struct Grantee {
  std::string city;          // region code, e.g. "3405"
  std::string hospital;      // hospital id as the city platform names it
  std::string practitioner;  // practitioner id
};

inline constexpr int64_t kNoEnd = std::numeric_limits<int64_t>::max();  // not_after_ms: open-ended

struct ConsentRecord {
  std::string id;
  std::string patient_token;
  Grantee grantee;
  std::vector<Category> categories;
  std::vector<Purpose> purposes;
  int64_t not_before_ms = 0;      // inclusive
  int64_t not_after_ms = kNoEnd;  // exclusive
  bool revoked = false;
  int64_t revoked_ms = 0;  // a revoked record stops permitting from this time (inclusive)
  std::string source;      // platform/channel that recorded it
};

struct Request {
  std::string caller_city;
  std::string caller_hospital;
  std::string practitioner;
  std::string patient_token;
  Category category = Category::kLabReport;
  Purpose purpose = Purpose::kTreatment;
  int64_t now_ms = 0;
  std::string break_glass_reason;
};

// Fields a caller must drop before releasing records, per (category, purpose).
using DropTable = std::array<std::array<std::vector<std::string>, kPurposeCount>, kCategoryCount>;

// The default obligations (documented in policy/README.md):
//   referral, any category:            "notes", "patient.address", "patient.telecom"
//   emergency, any category:           "patient.address"
//   record-summary, referral/emergency: also "social-history"
//   treatment:                          nothing
[[nodiscard]] DropTable defaultDropTable();

struct Settings {
  bool break_glass_enabled = false;
  DropTable drop_fields = defaultDropTable();
};

struct Decision {
  bool permit = false;
  bool break_glass = false;
  std::string consent_id;  // the permitting record; for a deny, the record that came closest (may be empty)
  // Stable words: "consent", "no-consent", "revoked", "expired", "not-yet-valid", "category",
  // "purpose", "grantee", "break-glass", "break-glass-disabled", "break-glass-no-reason".
  std::string reason;
  std::vector<std::string> drop_fields;  // obligations of a permit; empty for a deny
};

// Deny by default; see the rules at the top of this file. Costs well under 2 µs for a handful
// of records (policy_benchmark).
[[nodiscard]] Decision decide(const Request& request, std::span<const ConsentRecord> records,
                              const Settings& settings);

}  // namespace metrogw::policy
