// Referral validation (booking/internal/referral.h): the referral of a booking, status changes and
// their transitions, refer-back bodies. Every refusal names the field.
#include "booking/internal/referral.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace metrogw::booking::internal {
namespace {

using ::testing::HasSubstr;

constexpr const char* kGood =
    R"({"summary":"knee pain for 6 months","id":"WH-2026-001","diagnosis":"M17.1",)"
    R"("from":{"practitioner":"dr-0042","hospital":"wuhu-cc-3","city":"3402"},"reason":"arthroplasty opinion"})";

std::string errorOf(std::string_view referral, std::string_view city = "3402") {
  auto r = canonicalReferral(referral, city);
  EXPECT_FALSE(r.isOk()) << referral;
  return r.isOk() ? "" : r.status().message();
}

TEST(ReferralTest, AValidReferralBecomesCanonical) {
  auto r = canonicalReferral(kGood, "3402");
  ASSERT_TRUE(r.isOk()) << r.status().message();
  EXPECT_EQ(*r,
            R"({"id":"WH-2026-001","from":{"city":"3402","hospital":"wuhu-cc-3","practitioner":"dr-0042"},)"
            R"("diagnosis":"M17.1","reason":"arthroplasty opinion","summary":"knee pain for 6 months"})");
  // Optional texts may be left out; the result is then shorter but still complete.
  auto minimal = canonicalReferral(
      R"({"id":"r1","from":{"city":"3405","hospital":"h","practitioner":"p"},"diagnosis":"I21.000x001"})",
      "3405");
  ASSERT_TRUE(minimal.isOk()) << minimal.status().message();
  rapidjson::Document d;
  d.Parse(minimal->c_str());
  ASSERT_TRUE(d.IsObject());
  EXPECT_FALSE(d.HasMember("summary"));
  EXPECT_STREQ(d["diagnosis"].GetString(), "I21.000x001");
}

TEST(ReferralTest, EveryBrokenFieldIsNamed) {
  EXPECT_THAT(errorOf("[1]"), HasSubstr("referral: must be a JSON object"));
  EXPECT_THAT(errorOf(R"({"from":{"city":"3402","hospital":"h","practitioner":"p"},"diagnosis":"M17.1"})"),
              HasSubstr("referral.id: is required"));
  EXPECT_THAT(
      errorOf(R"({"id":"a b","from":{"city":"3402","hospital":"h","practitioner":"p"},"diagnosis":"M17.1"})"),
      HasSubstr("referral.id: must be an id"));
  EXPECT_THAT(errorOf(R"({"id":"r","diagnosis":"M17.1"})"), HasSubstr("referral.from: is required"));
  EXPECT_THAT(errorOf(R"({"id":"r","from":"wuhu","diagnosis":"M17.1"})"),
              HasSubstr("referral.from: must be an object"));
  EXPECT_THAT(
      errorOf(R"({"id":"r","from":{"city":"34","hospital":"h","practitioner":"p"},"diagnosis":"M17.1"})"),
      HasSubstr("referral.from.city: must be a 4-digit city code"));
  EXPECT_THAT(
      errorOf(R"({"id":"r","from":{"city":"3201","hospital":"h","practitioner":"p"},"diagnosis":"M17.1"})"),
      HasSubstr("referral.from.city: must be the referring caller's city (3402)"));
  EXPECT_THAT(errorOf(R"({"id":"r","from":{"city":"3402","practitioner":"p"},"diagnosis":"M17.1"})"),
              HasSubstr("referral.from.hospital: is required"));
  EXPECT_THAT(
      errorOf(
          R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"李医生"},"diagnosis":"M17.1"})"),
      HasSubstr("referral.from.practitioner: must be an id"));
  EXPECT_THAT(
      errorOf(
          R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"p","phone":"1"},"diagnosis":"M17.1"})"),
      HasSubstr("referral.from.phone: unknown field"));
  EXPECT_THAT(errorOf(R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"p"}})"),
              HasSubstr("referral.diagnosis: is required"));
  EXPECT_THAT(
      errorOf(R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"p"},"diagnosis":"knee"})"),
      HasSubstr("referral.diagnosis: must be an ICD-10 code"));
  EXPECT_THAT(
      errorOf(R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"p"},"diagnosis":"M17.1",)"
              R"("to":{"hospital":"gulou"}})"),
      HasSubstr(
          "referral.to: unknown field (the receiving hospital, department and doctor come from the slot)"));
  EXPECT_THAT(
      errorOf(R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"p"},"diagnosis":"M17.1",)"
              R"("summary":"call 13912345678"})"),
      HasSubstr("referral.summary: must not contain identifiers"));
  EXPECT_THAT(
      errorOf(R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"p"},"diagnosis":"M17.1",)"
              R"("reason":"a\u0001b"})"),
      HasSubstr("referral.reason: must not contain control characters"));
  const std::string long_summary =
      std::string(R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"p"},)") +
      R"("diagnosis":"M17.1","summary":")" + std::string(8'001, 'x') + R"("})";
  EXPECT_THAT(errorOf(long_summary), HasSubstr("referral.summary: is longer than 8000 bytes"));
  EXPECT_THAT(errorOf(R"({"id":"r","from":{"city":"3402","hospital":"h","practitioner":"p"},"diagnosis":7})"),
              HasSubstr("referral.diagnosis: must be a string"));
}

TEST(ReferralTest, Icd10Codes) {
  for (const char* ok : {"M17", "M17.1", "I25.103", "I21.000x001", "U07.1", "C7A.01"})
    EXPECT_TRUE(isIcd10(ok)) << ok;
  for (const char* bad : {"", "M1", "m17.1", "17.1", "M17.", "M17-1", "M17.123456789", "MM7.1", "M17.1 "})
    EXPECT_FALSE(isIcd10(bad)) << bad;
}

TEST(ReferralTest, TransitionsOfTheReceivingSide) {
  EXPECT_EQ(allowedFrom("accepted"), "requested");
  EXPECT_EQ(allowedFrom("rejected"), "requested");
  EXPECT_EQ(allowedFrom("completed"), "accepted");
  EXPECT_EQ(allowedFrom("requested"), "");  // only a booking requests
  EXPECT_EQ(allowedFrom("referred-back"), "");
  EXPECT_EQ(allowedFrom("bogus"), "");
}

TEST(ReferralTest, StatusChangeBodies) {
  auto ok = parseStatusChange(R"({"status":"rejected","note":"no capacity this month"})");
  ASSERT_TRUE(ok.isOk()) << ok.status().message();
  EXPECT_EQ(ok->status, "rejected");
  EXPECT_EQ(ok->note, "no capacity this month");
  auto bare = parseStatusChange(R"({"status":"accepted"})");
  ASSERT_TRUE(bare.isOk());
  EXPECT_EQ(bare->note, "");
  EXPECT_THAT(parseStatusChange(R"({"status":"requested"})").status().message(),
              HasSubstr("status: must be accepted, rejected or completed"));
  EXPECT_THAT(parseStatusChange(R"({})").status().message(), HasSubstr("status: is required"));
  EXPECT_THAT(parseStatusChange(R"({"status":"accepted","by":"x"})").status().message(),
              HasSubstr("by: unknown field"));
  EXPECT_THAT(parseStatusChange("nope").status().message(), HasSubstr("body: must be a JSON object"));
  EXPECT_THAT(parseStatusChange(R"({"status":"accepted","note":"id 320102199001011234"})").status().message(),
              HasSubstr("note: must not contain identifiers"));
}

TEST(ReferralTest, ReferBackBodies) {
  auto ok = canonicalReferBack(
      R"({"instructions":"physiotherapy twice a week","summary":"TKA done","diagnosis":"Z96.6","practitioner":"dr-9"})");
  ASSERT_TRUE(ok.isOk()) << ok.status().message();
  EXPECT_EQ(
      *ok,
      R"({"practitioner":"dr-9","diagnosis":"Z96.6","summary":"TKA done","instructions":"physiotherapy twice a week"})");
  EXPECT_THAT(canonicalReferBack(R"({"summary":"s"})").status().message(),
              HasSubstr("instructions: is required"));
  EXPECT_THAT(canonicalReferBack(R"({"instructions":"i"})").status().message(),
              HasSubstr("summary: is required"));
  EXPECT_THAT(
      canonicalReferBack(R"({"summary":"s","instructions":"i","diagnosis":"knee"})").status().message(),
      HasSubstr("diagnosis: must be an ICD-10 code"));
  EXPECT_THAT(canonicalReferBack(R"({"summary":"s","instructions":"i","to":{}})").status().message(),
              HasSubstr("to: unknown field (the back-referral goes to the referral's from)"));
}

}  // namespace
}  // namespace metrogw::booking::internal
