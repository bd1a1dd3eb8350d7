// decide(): the consent rules of policy/policy.h.
#include "policy/policy.h"

#include <algorithm>

namespace metrogw::policy {
namespace {

constexpr std::array<std::string_view, kCategoryCount> kCategoryNames = {"lab-report", "exam-report",
                                                                         "record-summary", "appointment"};
constexpr std::array<std::string_view, kPurposeCount> kPurposeNames = {"treatment", "referral", "emergency"};

// How far a record got through the checks; a higher stage came closer to permitting.
enum class Stage { kGrantee, kCategory, kPurpose, kTime, kRevoked, kPermit };

struct Check {
  Stage stage;
  const char* reason;
};

bool fieldMatches(const std::string& granted, const std::string& caller) {
  return granted.empty() || granted == caller;
}

bool granteeMatches(const Grantee& g, const Request& r) {
  if (g.city.empty() && g.hospital.empty() && g.practitioner.empty()) return false;
  return fieldMatches(g.city, r.caller_city) && fieldMatches(g.hospital, r.caller_hospital) &&
         fieldMatches(g.practitioner, r.practitioner);
}

template <typename T>
bool contains(const std::vector<T>& values, T value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

Check check(const ConsentRecord& c, const Request& r) {
  if (!granteeMatches(c.grantee, r)) return {Stage::kGrantee, "grantee"};
  if (!contains(c.categories, r.category)) return {Stage::kCategory, "category"};
  if (!contains(c.purposes, r.purpose)) return {Stage::kPurpose, "purpose"};
  if (r.now_ms < c.not_before_ms) return {Stage::kTime, "not-yet-valid"};
  if (r.now_ms >= c.not_after_ms) return {Stage::kTime, "expired"};
  if (c.revoked && r.now_ms >= c.revoked_ms) return {Stage::kRevoked, "revoked"};
  return {Stage::kPermit, "consent"};
}

const std::vector<std::string>& obligations(const Settings& s, const Request& r) {
  return s.drop_fields[static_cast<size_t>(r.category)][static_cast<size_t>(r.purpose)];
}

Decision permit(const Request& r, const Settings& s, std::string consent_id, bool break_glass) {
  Decision d;
  d.permit = true;
  d.break_glass = break_glass;
  d.consent_id = std::move(consent_id);
  d.reason = break_glass ? "break-glass" : "consent";
  d.drop_fields = obligations(s, r);
  return d;
}

Decision breakGlassOr(Decision denied, const Request& r, const Settings& s) {
  if (r.purpose != Purpose::kEmergency) return denied;
  if (!s.break_glass_enabled) {
    denied.reason = "break-glass-disabled";
    return denied;
  }
  if (r.break_glass_reason.empty()) {
    denied.reason = "break-glass-no-reason";
    return denied;
  }
  return permit(r, s, {}, true);
}

}  // namespace

std::string_view categoryName(Category category) { return kCategoryNames[static_cast<size_t>(category)]; }
std::string_view purposeName(Purpose purpose) { return kPurposeNames[static_cast<size_t>(purpose)]; }

StatusOr<Category> parseCategory(std::string_view name) {
  for (size_t i = 0; i < kCategoryNames.size(); ++i) {
    if (kCategoryNames[i] == name) return static_cast<Category>(i);
  }
  return Status::invalidArgument("unknown category (lab-report, exam-report, record-summary, appointment)");
}

StatusOr<Purpose> parsePurpose(std::string_view name) {
  for (size_t i = 0; i < kPurposeNames.size(); ++i) {
    if (kPurposeNames[i] == name) return static_cast<Purpose>(i);
  }
  return Status::invalidArgument("unknown purpose (treatment, referral, emergency)");
}

DropTable defaultDropTable() {
  DropTable t;
  for (auto& row : t) {
    row[static_cast<size_t>(Purpose::kReferral)] = {"notes", "patient.address", "patient.telecom"};
    row[static_cast<size_t>(Purpose::kEmergency)] = {"patient.address"};
  }
  auto& summary = t[static_cast<size_t>(Category::kRecordSummary)];
  summary[static_cast<size_t>(Purpose::kReferral)].emplace_back("social-history");
  summary[static_cast<size_t>(Purpose::kEmergency)].emplace_back("social-history");
  return t;
}

Decision decide(const Request& request, std::span<const ConsentRecord> records, const Settings& settings) {
  Decision denied;
  denied.reason = "no-consent";
  if (request.patient_token.empty()) return breakGlassOr(std::move(denied), request, settings);
  const ConsentRecord* closest = nullptr;
  Check best{Stage::kGrantee, "no-consent"};
  for (const auto& record : records) {
    if (record.patient_token != request.patient_token) continue;
    const Check c = check(record, request);
    if (c.stage == Stage::kPermit) return permit(request, settings, record.id, false);
    if (closest == nullptr || c.stage > best.stage) {
      closest = &record;
      best = c;
    }
  }
  if (closest != nullptr) {
    denied.reason = best.reason;
    denied.consent_id = closest->id;
  }
  return breakGlassOr(std::move(denied), request, settings);
}

}  // namespace metrogw::policy
