// decide(): boundaries, several records, break-glass, obligations and the name tables.
#include <gtest/gtest.h>

#include <vector>

#include "policy/policy.h"

namespace metrogw::policy {
namespace {

ConsentRecord cityGrant(std::string id = "c1") {
  ConsentRecord c;
  c.id = std::move(id);
  c.patient_token = "k1.p";
  c.grantee.city = "3405";
  c.categories = {Category::kLabReport};
  c.purposes = {Purpose::kTreatment, Purpose::kReferral};
  c.not_before_ms = 1'000;
  c.not_after_ms = 2'000;
  return c;
}

Request labRead(int64_t now, Purpose purpose = Purpose::kTreatment) {
  Request r;
  r.caller_city = "3405";
  r.caller_hospital = "mas-h1";
  r.practitioner = "dr-li";
  r.patient_token = "k1.p";
  r.category = Category::kLabReport;
  r.purpose = purpose;
  r.now_ms = now;
  return r;
}

Decision decideOne(const Request& r, const ConsentRecord& c, const Settings& s = {}) {
  return decide(r, {&c, 1}, s);
}

TEST(Policy, ValidityIsHalfOpen) {
  const auto c = cityGrant();
  EXPECT_EQ(decideOne(labRead(999), c).reason, "not-yet-valid");
  EXPECT_TRUE(decideOne(labRead(1'000), c).permit);
  EXPECT_TRUE(decideOne(labRead(1'999), c).permit);
  EXPECT_EQ(decideOne(labRead(2'000), c).reason, "expired");
}

TEST(Policy, OpenEndedGrant) {
  auto c = cityGrant();
  c.not_after_ms = kNoEnd;
  EXPECT_TRUE(decideOne(labRead(int64_t{1} << 50), c).permit);
}

TEST(Policy, RevocationTakesEffectAtRevokedMs) {
  auto c = cityGrant();
  c.revoked = true;
  c.revoked_ms = 1'500;
  EXPECT_TRUE(decideOne(labRead(1'499), c).permit);
  const auto d = decideOne(labRead(1'500), c);
  EXPECT_FALSE(d.permit);
  EXPECT_EQ(d.reason, "revoked");
  EXPECT_EQ(d.consent_id, "c1");
}

TEST(Policy, NoRecordsOrOtherPatientsRecordsDeny) {
  EXPECT_EQ(decide(labRead(1'500), {}, {}).reason, "no-consent");
  auto c = cityGrant();
  c.patient_token = "k1.someone-else";
  const auto d = decideOne(labRead(1'500), c);
  EXPECT_FALSE(d.permit);
  EXPECT_EQ(d.reason, "no-consent");
  EXPECT_EQ(d.consent_id, "");
}

TEST(Policy, EmptyPatientTokenDenies) {
  auto r = labRead(1'500);
  r.patient_token.clear();
  auto c = cityGrant();
  c.patient_token.clear();
  EXPECT_FALSE(decideOne(r, c).permit);
}

TEST(Policy, EmptyGranteeMatchesNobody) {
  auto c = cityGrant();
  c.grantee = {};
  EXPECT_EQ(decideOne(labRead(1'500), c).reason, "grantee");
}

TEST(Policy, PractitionerGrantNeedsTheSameHospitalWhenNamed) {
  auto c = cityGrant();
  c.grantee = {"3405", "mas-h2", "dr-li"};
  EXPECT_EQ(decideOne(labRead(1'500), c).reason, "grantee");
  c.grantee = {"", "", "dr-li"};  // practitioner only: any hospital, any city
  EXPECT_TRUE(decideOne(labRead(1'500), c).permit);
}

TEST(Policy, AnyPermittingRecordWins) {
  auto revoked = cityGrant("old");
  revoked.revoked = true;
  revoked.revoked_ms = 1'100;
  const std::vector<ConsentRecord> records = {revoked, cityGrant("new")};
  const auto d = decide(labRead(1'500), records, {});
  EXPECT_TRUE(d.permit);
  EXPECT_EQ(d.consent_id, "new");
}

TEST(Policy, DenyNamesTheClosestRecord) {
  auto other_city = cityGrant("wuhu");
  other_city.grantee.city = "3402";
  auto expired = cityGrant("expired");
  expired.not_after_ms = 1'200;
  auto wrong_category = cityGrant("exam");
  wrong_category.categories = {Category::kExamReport};
  const std::vector<ConsentRecord> records = {other_city, expired, wrong_category};
  const auto d = decide(labRead(1'500), records, {});
  EXPECT_FALSE(d.permit);
  EXPECT_EQ(d.reason, "expired");
  EXPECT_EQ(d.consent_id, "expired");
}

TEST(Policy, BreakGlass) {
  Settings on;
  on.break_glass_enabled = true;
  auto r = labRead(1'500, Purpose::kEmergency);
  r.break_glass_reason = "unconscious patient in the emergency room";
  const auto d = decide(r, {}, on);
  EXPECT_TRUE(d.permit);
  EXPECT_TRUE(d.break_glass);
  EXPECT_EQ(d.reason, "break-glass");
  EXPECT_EQ(d.consent_id, "");
  EXPECT_EQ(d.drop_fields, std::vector<std::string>{"patient.address"});

  EXPECT_EQ(decide(r, {}, Settings{}).reason, "break-glass-disabled");
  EXPECT_FALSE(decide(r, {}, Settings{}).permit);
  r.break_glass_reason.clear();
  const auto no_reason = decide(r, {}, on);
  EXPECT_FALSE(no_reason.permit);
  EXPECT_EQ(no_reason.reason, "break-glass-no-reason");
}

TEST(Policy, BreakGlassOnlyForEmergencies) {
  Settings on;
  on.break_glass_enabled = true;
  auto r = labRead(1'500, Purpose::kTreatment);
  r.break_glass_reason = "in a hurry";
  const auto d = decide(r, {}, on);
  EXPECT_FALSE(d.permit);
  EXPECT_EQ(d.reason, "no-consent");
}

TEST(Policy, EmergencyConsentIsNotBreakGlass) {
  Settings on;
  on.break_glass_enabled = true;
  auto c = cityGrant();
  c.purposes.push_back(Purpose::kEmergency);
  auto r = labRead(1'500, Purpose::kEmergency);
  r.break_glass_reason = "stroke";
  const auto d = decideOne(r, c, on);
  EXPECT_TRUE(d.permit);
  EXPECT_FALSE(d.break_glass);
  EXPECT_EQ(d.reason, "consent");
}

TEST(Policy, DefaultObligations) {
  const DropTable t = defaultDropTable();
  const auto at = [&](Category c, Purpose p) { return t[static_cast<size_t>(c)][static_cast<size_t>(p)]; };
  EXPECT_TRUE(at(Category::kLabReport, Purpose::kTreatment).empty());
  EXPECT_EQ(at(Category::kLabReport, Purpose::kReferral),
            (std::vector<std::string>{"notes", "patient.address", "patient.telecom"}));
  EXPECT_EQ(at(Category::kRecordSummary, Purpose::kReferral),
            (std::vector<std::string>{"notes", "patient.address", "patient.telecom", "social-history"}));
  EXPECT_EQ(at(Category::kAppointment, Purpose::kEmergency), std::vector<std::string>{"patient.address"});
  const auto d = decideOne(labRead(1'500, Purpose::kReferral), cityGrant());
  EXPECT_EQ(d.drop_fields, at(Category::kLabReport, Purpose::kReferral));
}

TEST(Policy, Names) {
  for (size_t i = 0; i < kCategoryCount; ++i) {
    const auto c = static_cast<Category>(i);
    ASSERT_TRUE(parseCategory(categoryName(c)).isOk());
    EXPECT_EQ(parseCategory(categoryName(c)).value(), c);
  }
  for (size_t i = 0; i < kPurposeCount; ++i) {
    const auto p = static_cast<Purpose>(i);
    ASSERT_TRUE(parsePurpose(purposeName(p)).isOk());
    EXPECT_EQ(parsePurpose(purposeName(p)).value(), p);
  }
  EXPECT_EQ(categoryName(Category::kRecordSummary), "record-summary");
  EXPECT_EQ(purposeName(Purpose::kEmergency), "emergency");
  EXPECT_FALSE(parseCategory("Lab-Report").isOk());
  EXPECT_FALSE(parsePurpose("research").isOk());
}

}  // namespace
}  // namespace metrogw::policy
