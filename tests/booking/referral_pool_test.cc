// The receiving side of a referral against a real redis-server: a booking carries the referral
// (status requested), the owning hospital accepts, completes and refers back; illegal transitions,
// other hospitals, appointments without a referral and idempotent retries.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "booking/internal/referral.h"
#include "tests/booking/pool_test_util.h"

namespace metrogw::booking::test {
namespace {

using gateway::http::Problem;

const Caller kWuhu{"3402", "wuhu-his", false};
const Caller kNanjing{"3201", "anonymous", false};

constexpr const char* kReferral =
    R"({"id":"WH-1","from":{"city":"3402","hospital":"wuhu-cc-3","practitioner":"dr-42"},"diagnosis":"M17.1",)"
    R"("summary":"knee pain"})";

class ReferralPoolTest : public PoolTest {
 protected:
  std::string bookWithReferral(const std::string& patient = "tok-r") {
    const auto sid = addSlot("r-" + patient, std::chrono::hours(48), 2, false, "gulou", "dr-ortho");
    auto canonical = internal::canonicalReferral(kReferral, kWuhu.city);
    EXPECT_TRUE(canonical.isOk());
    Outcome b = book(kWuhu, {sid, patient, "", canonical.isOk() ? *canonical : ""});
    EXPECT_TRUE(b.ok) << b.detail;
    return idOf(b.body);
  }
  static std::string idOf(const std::string& body) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    return d.IsObject() && d.HasMember("id") ? d["id"].GetString() : "";
  }
  Outcome setStatus(const std::string& aid, const std::string& status, const std::string& actor = "*",
                    const std::string& key = "", const std::string& note = "") {
    ReferralAction a{aid, actor, status, std::string(internal::allowedFrom(status)), note, ""};
    return wait([&](OutcomeCallback cb) {
      pool_->referralStatus(kNanjing, {key, status}, a, std::move(cb));
    });
  }
  Outcome referBack(const std::string& aid, const std::string& actor = "*", const std::string& key = "") {
    ReferralAction a{aid, actor, "",
                     "",  "",    R"({"summary":"TKA done","instructions":"physio twice a week"})"};
    return wait([&](OutcomeCallback cb) { pool_->referBack(kNanjing, {key, "back"}, a, std::move(cb)); });
  }
  Outcome read(const std::string& aid) {
    return wait([&](OutcomeCallback cb) { pool_->read(kWuhu, aid, std::move(cb)); });
  }
  static rapidjson::Document referralOf(const Outcome& o) {
    rapidjson::Document d;
    d.Parse(o.body.c_str());
    rapidjson::Document r;
    if (d.IsObject() && d.HasMember("referral")) r.CopyFrom(d["referral"], r.GetAllocator());
    return r;
  }
};

TEST_F(ReferralPoolTest, BookingCarriesARequestedReferralWithItsTarget) {
  const std::string aid = bookWithReferral();
  Outcome r = read(aid);
  ASSERT_TRUE(r.ok) << r.detail;
  auto ref = referralOf(r);
  ASSERT_TRUE(ref.IsObject()) << r.body;
  EXPECT_STREQ(ref["status"].GetString(), "requested");
  EXPECT_STREQ(ref["id"].GetString(), "WH-1");
  EXPECT_STREQ(ref["from"]["hospital"].GetString(), "wuhu-cc-3");
  EXPECT_STREQ(ref["to"]["hospital"].GetString(), "gulou");
  EXPECT_STREQ(ref["to"]["doctor"].GetString(), "dr-ortho");
  EXPECT_STREQ(ref["to"]["city"].GetString(), "3201");
  ASSERT_TRUE(ref["events"].IsArray());
  ASSERT_EQ(ref["events"].Size(), 1U);
  EXPECT_STREQ(ref["events"][0]["event"].GetString(), "requested");
  EXPECT_EQ(field("t:pool:appt:" + aid, "referral_status"), "requested");
}

TEST_F(ReferralPoolTest, AcceptCompleteAndReferBack) {
  const std::string aid = bookWithReferral();
  Outcome early = referBack(aid);
  EXPECT_EQ(early.problem, Problem::kReferralTransition);
  EXPECT_NE(early.detail.find("a requested referral cannot be referred back"), std::string::npos)
      << early.detail;

  Outcome accepted = setStatus(aid, "accepted", "gulou");  // the owning hospital itself
  ASSERT_TRUE(accepted.ok) << accepted.detail;
  EXPECT_EQ(accepted.status, 200);
  EXPECT_STREQ(referralOf(accepted)["status"].GetString(), "accepted");
  Outcome completed = setStatus(aid, "completed", "*", "", "seen, operated");
  ASSERT_TRUE(completed.ok) << completed.detail;
  Outcome back = referBack(aid);
  ASSERT_TRUE(back.ok) << back.detail;
  EXPECT_EQ(back.status, 201);

  auto ref = referralOf(read(aid));  // what the asking side reads
  EXPECT_STREQ(ref["status"].GetString(), "completed");
  ASSERT_TRUE(ref.HasMember("back"));
  const auto& b = ref["back"];
  EXPECT_STREQ(b["id"].GetString(), (aid + ".back").c_str());
  EXPECT_STREQ(b["to"]["hospital"].GetString(), "wuhu-cc-3");
  EXPECT_STREQ(b["to"]["practitioner"].GetString(), "dr-42");
  EXPECT_STREQ(b["from"]["hospital"].GetString(), "gulou");
  EXPECT_STREQ(b["from"]["practitioner"].GetString(), "dr-ortho");
  EXPECT_STREQ(b["instructions"].GetString(), "physio twice a week");
  ASSERT_EQ(ref["events"].Size(), 4U);
  EXPECT_STREQ(ref["events"][2]["event"].GetString(), "completed");
  EXPECT_STREQ(ref["events"][2]["note"].GetString(), "seen, operated");
  EXPECT_STREQ(ref["events"][3]["event"].GetString(), "referred-back");

  Outcome twice = referBack(aid);
  EXPECT_EQ(twice.problem, Problem::kReferralTransition);
  EXPECT_EQ(twice.status, 409);
  EXPECT_NE(twice.detail.find("already referred back"), std::string::npos);
}

TEST_F(ReferralPoolTest, IllegalTransitionsAreRefusedAndChangeNothing) {
  const std::string aid = bookWithReferral();
  Outcome skip = setStatus(aid, "completed");
  EXPECT_FALSE(skip.ok);
  EXPECT_EQ(skip.problem, Problem::kReferralTransition);
  EXPECT_EQ(skip.status, 409);
  EXPECT_NE(skip.detail.find("a requested referral cannot become completed (only from accepted)"),
            std::string::npos)
      << skip.detail;
  EXPECT_EQ(field("t:pool:appt:" + aid, "referral_status"), "requested");
  ASSERT_TRUE(setStatus(aid, "rejected", "*", "", "no capacity").ok);
  EXPECT_EQ(setStatus(aid, "accepted").problem, Problem::kReferralTransition);
  EXPECT_EQ(setStatus(aid, "rejected").problem, Problem::kReferralTransition);
  EXPECT_EQ(field("t:pool:appt:" + aid, "referral_status"), "rejected");
}

TEST_F(ReferralPoolTest, OnlyTheOwningHospitalAndOnlyAReferral) {
  const std::string aid = bookWithReferral();
  Outcome other = setStatus(aid, "accepted", "another-hospital");
  EXPECT_EQ(other.problem, Problem::kAppointmentNotFound);
  EXPECT_EQ(field("t:pool:appt:" + aid, "referral_status"), "requested");
  EXPECT_EQ(setStatus("3201.a999", "accepted").problem, Problem::kAppointmentNotFound);
  const auto sid = addSlot("plain", std::chrono::hours(48), 1);
  const std::string plain = idOf(book(kWuhu, {sid, "tok-p", "", ""}).body);
  Outcome none = setStatus(plain, "accepted");
  EXPECT_EQ(none.problem, Problem::kReferralTransition);
  EXPECT_NE(none.detail.find("carries no referral"), std::string::npos);
  EXPECT_EQ(referBack(plain).problem, Problem::kReferralTransition);
}

TEST_F(ReferralPoolTest, AcceptingNeedsALiveAppointment) {
  const std::string aid = bookWithReferral();
  ASSERT_TRUE(cancel(kWuhu, aid).ok);
  Outcome late = setStatus(aid, "accepted");
  EXPECT_EQ(late.problem, Problem::kReferralTransition);
  EXPECT_NE(late.detail.find("the appointment is cancelled"), std::string::npos) << late.detail;
  EXPECT_TRUE(setStatus(aid, "rejected").ok);
}

TEST_F(ReferralPoolTest, RetriesWithTheSameKeyReplayTheFirstAnswer) {
  const std::string aid = bookWithReferral();
  Outcome first = setStatus(aid, "accepted", "*", "k-accept");
  ASSERT_TRUE(first.ok) << first.detail;
  EXPECT_FALSE(first.replay);
  Outcome again = setStatus(aid, "accepted", "*", "k-accept");
  ASSERT_TRUE(again.ok) << again.detail;  // not a 409: the stored answer
  EXPECT_TRUE(again.replay);
  EXPECT_EQ(again.body, first.body);
  Outcome fresh = setStatus(aid, "accepted", "*", "k-other");
  EXPECT_EQ(fresh.problem, Problem::kReferralTransition);
  Outcome reused = setStatus(aid, "completed", "*", "k-accept");  // another request, same key
  EXPECT_EQ(reused.problem, Problem::kIdempotencyKeyReused);
  Outcome back = referBack(aid, "*", "k-back");
  ASSERT_TRUE(back.ok) << back.detail;
  EXPECT_TRUE(referBack(aid, "*", "k-back").replay);
  auto events = call({"HGET", "t:pool:appt:" + aid, "referral_events"});
  ASSERT_TRUE(events.isOk());
  rapidjson::Document d;
  d.Parse(events->str.c_str());
  ASSERT_TRUE(d.IsArray());
  EXPECT_EQ(d.Size(), 3U);  // requested, accepted, referred-back: no duplicate from the replays
}

}  // namespace
}  // namespace metrogw::booking::test
