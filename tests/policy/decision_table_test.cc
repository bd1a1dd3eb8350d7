// The full decision table: grantee level × caller × category × purpose × time × revocation.
// Expected outcomes come from the rules written out independently of policy.cc's structure.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "policy/policy.h"

namespace metrogw::policy {
namespace {

enum class Level { kCity, kHospital, kPractitioner };
enum class Caller { kSamePractitioner, kOtherPractitioner, kOtherHospital, kOtherCity };
enum class When { kBefore, kInside, kAfter };
enum class Revocation { kNone, kBeforeNow, kAfterNow };

constexpr int64_t kFrom = 1'000;
constexpr int64_t kTo = 2'000;

ConsentRecord grant(Level level, Revocation revocation) {
  ConsentRecord c;
  c.id = "c1";
  c.patient_token = "k1.patient";
  c.grantee.city = "3405";
  if (level != Level::kCity) c.grantee.hospital = "mas-h1";
  if (level == Level::kPractitioner) c.grantee.practitioner = "dr-li";
  c.categories = {Category::kLabReport, Category::kRecordSummary};
  c.purposes = {Purpose::kTreatment, Purpose::kReferral};
  c.not_before_ms = kFrom;
  c.not_after_ms = kTo;
  c.revoked = revocation != Revocation::kNone;
  c.revoked_ms = revocation == Revocation::kBeforeNow ? 1'200 : 1'800;
  return c;
}

Request request(Caller caller, Category category, Purpose purpose, When when) {
  Request r;
  r.caller_city = caller == Caller::kOtherCity ? "3402" : "3405";
  r.caller_hospital = caller == Caller::kOtherHospital ? "mas-h2" : "mas-h1";
  r.practitioner = caller == Caller::kOtherPractitioner ? "dr-wang" : "dr-li";
  r.patient_token = "k1.patient";
  r.category = category;
  r.purpose = purpose;
  r.now_ms = when == When::kBefore ? 500 : when == When::kInside ? 1'500 : 2'500;
  return r;
}

bool granteeOk(Level level, Caller caller) {
  switch (level) {
    case Level::kCity: return caller != Caller::kOtherCity;
    case Level::kHospital: return caller == Caller::kSamePractitioner || caller == Caller::kOtherPractitioner;
    case Level::kPractitioner: return caller == Caller::kSamePractitioner;
  }
  return false;
}

std::string expectedReason(Level level, Caller caller, Category category, Purpose purpose, When when,
                           Revocation revocation) {
  std::string reason;
  if (!granteeOk(level, caller)) {
    reason = "grantee";
  } else if (category != Category::kLabReport && category != Category::kRecordSummary) {
    reason = "category";
  } else if (purpose == Purpose::kEmergency) {
    reason = "purpose";
  } else if (when == When::kBefore) {
    reason = "not-yet-valid";
  } else if (when == When::kAfter) {
    reason = "expired";
  } else if (revocation == Revocation::kBeforeNow) {
    reason = "revoked";
  } else {
    return "consent";
  }
  // Emergency requests without a permitting consent are break-glass attempts (disabled here).
  return purpose == Purpose::kEmergency ? "break-glass-disabled" : reason;
}

TEST(DecisionTable, EveryCombination) {
  const Settings settings;  // break-glass disabled, default obligations
  int permits = 0;
  int cases = 0;
  for (const Level level : {Level::kCity, Level::kHospital, Level::kPractitioner}) {
    for (const Caller caller : {Caller::kSamePractitioner, Caller::kOtherPractitioner, Caller::kOtherHospital,
                                Caller::kOtherCity}) {
      for (size_t c = 0; c < kCategoryCount; ++c) {
        for (size_t p = 0; p < kPurposeCount; ++p) {
          for (const When when : {When::kBefore, When::kInside, When::kAfter}) {
            for (const Revocation rev : {Revocation::kNone, Revocation::kBeforeNow, Revocation::kAfterNow}) {
              const auto category = static_cast<Category>(c);
              const auto purpose = static_cast<Purpose>(p);
              const ConsentRecord record = grant(level, rev);
              const Decision d = decide(request(caller, category, purpose, when), {&record, 1}, settings);
              const std::string want = expectedReason(level, caller, category, purpose, when, rev);
              SCOPED_TRACE(testing::Message()
                           << "level " << static_cast<int>(level) << " caller " << static_cast<int>(caller)
                           << " " << categoryName(category) << " " << purposeName(purpose) << " when "
                           << static_cast<int>(when) << " revocation " << static_cast<int>(rev));
              ++cases;
              EXPECT_EQ(d.reason, want);
              EXPECT_EQ(d.permit, want == "consent");
              EXPECT_FALSE(d.break_glass);
              EXPECT_EQ(d.consent_id, "c1");  // the permitting record, or the closest one for a deny
              if (d.permit) {
                ++permits;
                EXPECT_EQ(d.drop_fields, settings.drop_fields[c][p]);
              } else {
                EXPECT_TRUE(d.drop_fields.empty());
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 3 * 4 * 4 * 3 * 3 * 3);
  // Permitted: (city: 3 callers, hospital: 2, practitioner: 1) × 2 categories × 2 purposes × inside × 2
  // revocations.
  EXPECT_EQ(permits, 6 * 2 * 2 * 1 * 2);
}

}  // namespace
}  // namespace metrogw::policy
