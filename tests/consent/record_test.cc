// Consent records: JSON round trip, the POST body's validation, the history fold for the policy
// engine, and the FHIR Consent writer.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "consent/fhir.h"
#include "consent/internal/time.h"
#include "consent/record.h"
#include "consent/request.h"

namespace metrogw::consent {
namespace {

constexpr int64_t kNow = 1'790'000'000'000;

TEST(ConsentTime, ParsesDatesAndDateTimes) {
  EXPECT_EQ(*internal::parseTime("2026-11-01T00:00:00Z"), 1'793'491'200'000);
  EXPECT_EQ(*internal::parseTime("2026-11-01T08:00:00+08:00"), 1'793'491'200'000);
  EXPECT_EQ(*internal::parseTime("2026-11-01"), 1'793'491'200'000 - 8 * 3'600'000);  // China midnight
  EXPECT_FALSE(internal::parseTime("2026-13-01").isOk());
  EXPECT_FALSE(internal::parseTime("yesterday").isOk());
  EXPECT_FALSE(internal::parseTime("2026-11-01T00:00").isOk());  // no zone
  EXPECT_EQ(internal::formatTime(1'793'491'200'000), "2026-11-01T00:00:00Z");
}

TEST(ConsentRequest, ParsesAGrant) {
  auto r = parseGrantBody(R"({"patient":"t1.abc","grantee":{"city":"3405","practitioner":"D7"},
    "categories":["lab-report","record-summary"],"purposes":["treatment"],
    "valid_to":"2027-01-01T00:00:00Z","source":"12320-app"})",
                          kNow);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->patient_token, "t1.abc");
  EXPECT_EQ(r->grantee.city, "3405");
  EXPECT_EQ(r->grantee.practitioner, "D7");
  EXPECT_EQ(r->categories.size(), 2U);
  EXPECT_EQ(r->not_before_ms, kNow);
  EXPECT_EQ(r->not_after_ms, 1'798'761'600'000);
  EXPECT_EQ(r->recorded_ms, kNow);
}

TEST(ConsentRequest, RefusesIncompleteGrants) {
  const char* bad[] = {
      R"({"grantee":{"city":"3405"},"categories":["lab-report"],"purposes":["treatment"]})",
      R"({"patient":"t","grantee":{},"categories":["lab-report"],"purposes":["treatment"]})",
      R"({"patient":"t","grantee":{"city":"3405"},"categories":[],"purposes":["treatment"]})",
      R"({"patient":"t","grantee":{"city":"3405"},"categories":["x-rays"],"purposes":["treatment"]})",
      R"({"patient":"t","grantee":{"city":"3405"},"categories":["lab-report"],"purposes":["marketing"]})",
      R"({"patient":"t","grantee":{"city":"3405"},"categories":["lab-report"],"purposes":["treatment"],
         "valid_from":"2027-01-01","valid_to":"2026-01-01"})",
      "not json",
  };
  for (const char* body : bad)
    EXPECT_EQ(parseGrantBody(body, kNow).status().code(), StatusCode::kInvalidArgument) << body;
}

Record sample() {
  Record r;
  r.id = "3201-0123";
  r.patient_token = "t1.abc";
  r.grantee = {"3405", "H1", "D7"};
  r.categories = {policy::Category::kLabReport};
  r.purposes = {policy::Purpose::kTreatment, policy::Purpose::kReferral};
  r.not_before_ms = kNow;
  r.source = "kiosk";
  r.recorded_ms = kNow;
  r.recorded_by = "listener:main";
  r.home_city = "3201";
  return r;
}

TEST(ConsentRecord, JsonRoundTrip) {
  Record r = sample();
  auto back = fromJson(toJson(r));
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->id, r.id);
  EXPECT_EQ(back->grantee.hospital, "H1");
  EXPECT_EQ(back->purposes.size(), 2U);
  EXPECT_EQ(back->not_after_ms, policy::kNoEnd);
  EXPECT_EQ(toJson(*back), toJson(r));
}

TEST(ConsentRecord, EffectiveMarksRevokedGrants) {
  Record g = sample();
  Record other = sample();
  other.id = "3201-0456";
  Record rev = g;
  rev.kind = Kind::kRevocation;
  rev.id = "3201-0789";
  rev.revokes = g.id;
  rev.recorded_ms = kNow + 10;
  auto e = effective({g, other, rev});
  ASSERT_EQ(e.size(), 2U);
  EXPECT_TRUE(e[0].revoked);
  EXPECT_EQ(e[0].revoked_ms, kNow + 10);
  EXPECT_FALSE(e[1].revoked);
}

TEST(ConsentFhir, WritesConsentResources) {
  Record g = sample();
  Record rev = g;
  rev.kind = Kind::kRevocation;
  rev.id = "3201-0789";
  rev.revokes = g.id;
  rapidjson::Document d;
  const std::string bundle = fhirConsentBundle({g, rev});
  d.Parse(bundle.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["resourceType"].GetString(), "Bundle");
  const auto& entries = d["entry"];
  ASSERT_EQ(entries.Size(), 2U);
  const auto& grant = entries[0]["resource"];
  EXPECT_STREQ(grant["resourceType"].GetString(), "Consent");
  EXPECT_STREQ(grant["status"].GetString(), "inactive");  // revoked later in the history
  EXPECT_STREQ(grant["patient"]["identifier"]["value"].GetString(), "t1.abc");
  EXPECT_STREQ(grant["provision"]["type"].GetString(), "permit");
  EXPECT_STREQ(grant["provision"]["purpose"][0]["code"].GetString(), "TREAT");
  EXPECT_STREQ(entries[1]["resource"]["provision"]["type"].GetString(), "deny");
  d.Parse(fhirConsent(g, false).c_str());
  EXPECT_STREQ(d["status"].GetString(), "active");
}

}  // namespace
}  // namespace metrogw::consent
