// Every booking rule, allowed and refused: reserved family-doctor share, priority windows,
// per-patient limits, no-show suspension, cancellation cut-off, per-hospital overrides.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "tests/booking/pool_test_util.h"

namespace metrogw::booking::test {
namespace {

using gateway::http::Problem;

const Caller kPublic{"3402", "wuhu-his", false};
const Caller kFamily{"3402", "wuhu-family", true};
constexpr auto kDays = [](int n) { return std::chrono::minutes(n * 24 * 60 + 60); };

std::string idOf(const Outcome& o) {
  rapidjson::Document d;
  d.Parse(o.body.c_str());
  return d.IsObject() && d.HasMember("id") ? d["id"].GetString() : "";
}

TEST_F(PoolTest, ReservedShareIsForFamilyDoctorsWhenItDoesNotOpenAtThePublicWindow) {
  config::Booking s;
  s.defaults.reserved_opens_at_public = false;
  setSettings(s);
  const auto sid = addSlot("t-1", kDays(3), 4, /*tertiary=*/true);
  EXPECT_EQ(field("t:pool:slot:" + sid, "reserved"), "2");  // 30% of 4, rounded up
  EXPECT_TRUE(book(kPublic, {sid, "p1", "", ""}).ok);
  EXPECT_TRUE(book(kPublic, {sid, "p2", "", ""}).ok);
  Outcome third = book(kPublic, {sid, "p3", "", ""});
  EXPECT_EQ(third.problem, Problem::kReservedForFamilyDoctors);
  EXPECT_NE(third.detail.find("reserved-share"), std::string::npos);
  EXPECT_TRUE(book(kFamily, {sid, "p3", "", ""}).ok);
  EXPECT_TRUE(book(kFamily, {sid, "p4", "", ""}).ok);
  EXPECT_EQ(book(kFamily, {sid, "p5", "", ""}).problem, Problem::kSlotUnavailable);
  EXPECT_EQ(field("t:pool:slot:" + sid, "booked_family"), "2");
}

TEST_F(PoolTest, ReservedShareOpensToAllWithThePublicWindowByDefault) {
  const auto sid = addSlot("t-2", kDays(3), 2, true);
  EXPECT_TRUE(book(kPublic, {sid, "p1", "", ""}).ok);
  EXPECT_TRUE(book(kPublic, {sid, "p2", "", ""}).ok);
}

TEST_F(PoolTest, NonTertiaryHospitalsReserveNothing) {
  const auto sid = addSlot("t-3", kDays(3), 4, false);
  EXPECT_EQ(field("t:pool:slot:" + sid, "reserved"), "0");
}

TEST_F(PoolTest, PriorityWindowOpensTheReservedShareToFamilyDoctorsFirst) {
  const auto sid = addSlot("t-4", kDays(10), 4, true);  // reserved 2
  Outcome pub = book(kPublic, {sid, "p1", "", ""});
  EXPECT_EQ(pub.problem, Problem::kBookingWindowClosed);
  EXPECT_NE(pub.detail.find("7 days"), std::string::npos) << pub.detail;
  EXPECT_EQ(hold(kPublic, sid, "p1").problem, Problem::kBookingWindowClosed);
  EXPECT_TRUE(book(kFamily, {sid, "p1", "", ""}).ok);
  EXPECT_TRUE(hold(kFamily, sid, "p2").ok);
  EXPECT_EQ(book(kFamily, {sid, "p3", "", ""}).problem, Problem::kSlotUnavailable);  // share taken

  const auto far = addSlot("t-5", kDays(20), 4, true);
  EXPECT_EQ(book(kFamily, {far, "p1", "", ""}).problem, Problem::kBookingWindowClosed);
  EXPECT_EQ(book(kPublic, {far, "p1", "", ""}).problem, Problem::kBookingWindowClosed);
}

TEST_F(PoolTest, PerHospitalOverridesApply) {
  config::Booking s;
  config::HospitalRules h{"h9", s.defaults};
  h.rules.public_window_days = 14;
  h.rules.reserved_share_percent = 50;
  s.hospitals.push_back(h);
  setSettings(s);
  const auto open = addSlot("t-6", kDays(10), 4, true, "h9");
  EXPECT_EQ(field("t:pool:slot:" + open, "reserved"), "2");
  EXPECT_TRUE(book(kPublic, {open, "p1", "", ""}).ok);
  const auto other = addSlot("t-7", kDays(10), 4, true, "h1");
  EXPECT_EQ(book(kPublic, {other, "p1", "", ""}).problem, Problem::kBookingWindowClosed);
}

TEST_F(PoolTest, OneActiveBookingPerDoctorPerDay) {
  const auto a = addSlotAt("t-8", chinaDay(3, 9 * 60), 2, false, "h1", "doc-x");
  const auto b = addSlotAt("t-9", chinaDay(3, 10 * 60), 2, false, "h1", "doc-x");
  const auto next_day = addSlotAt("t-10", chinaDay(4, 10 * 60), 2, false, "h1", "doc-x");
  Outcome first = book(kPublic, {a, "p1", "", ""});
  ASSERT_TRUE(first.ok);
  Outcome second = book(kPublic, {b, "p1", "", ""});
  EXPECT_EQ(second.problem, Problem::kPatientLimit);
  EXPECT_NE(second.detail.find("per-doctor-per-day"), std::string::npos);
  EXPECT_EQ(hold(kPublic, b, "p1").problem, Problem::kPatientLimit);
  EXPECT_TRUE(book(kPublic, {b, "p2", "", ""}).ok);         // another patient
  EXPECT_TRUE(book(kPublic, {next_day, "p1", "", ""}).ok);  // another day
  ASSERT_TRUE(cancel(kPublic, idOf(first)).ok);             // cancelled: no longer active
  EXPECT_TRUE(book(kPublic, {b, "p1", "", ""}).ok);
}

TEST_F(PoolTest, AtMostNBookingsPerPatientPerDay) {
  for (int i = 0; i < 4; ++i)
    addSlotAt("n-" + std::to_string(i), chinaDay(3, 8 * 60 + i * 30), 1, false, "h1",
              "doc-" + std::to_string(i));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(book(kPublic, {"3201.n-" + std::to_string(i), "p1", "", ""}).ok);
  Outcome fourth = book(kPublic, {"3201.n-3", "p1", "", ""});
  EXPECT_EQ(fourth.problem, Problem::kPatientLimit);
  EXPECT_NE(fourth.detail.find("per-patient-per-day"), std::string::npos);
}

TEST_F(PoolTest, ThreeNoShowsSuspendThePatient) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const auto sid = addSlotAt("ns-" + std::to_string(i), chinaDay(2 + i, 9 * 60), 1);
    Outcome b = book(kPublic, {sid, "p1", "", ""});
    ASSERT_TRUE(b.ok);
    ids.push_back(idOf(b));
  }
  const auto later = addSlotAt("ns-later", chinaDay(6, 9 * 60), 1);
  for (int i = 0; i < 3; ++i) {
    Outcome n = wait([&](OutcomeCallback cb) { pool_->noShow(ids[i], std::move(cb)); });
    ASSERT_TRUE(n.ok) << n.detail;
    EXPECT_EQ(n.body.find("\"suspended\":true") != std::string::npos, i == 2) << n.body;
  }
  Outcome refused = book(kPublic, {later, "p1", "", ""});
  EXPECT_EQ(refused.problem, Problem::kPatientSuspended);
  EXPECT_NE(refused.detail.find("no-show-suspension"), std::string::npos);
  EXPECT_GT(call({"PTTL", "t:pool:suspended:p1"})->integer, 89LL * 86'400'000);
  EXPECT_EQ(hold(kPublic, later, "p1").problem, Problem::kPatientSuspended);
  EXPECT_TRUE(book(kPublic, {later, "p2", "", ""}).ok);  // others are not affected
}

TEST_F(PoolTest, CancellationCutOff) {
  const auto soon = addSlot("c-1", std::chrono::minutes(60), 1);
  const auto later = addSlot("c-2", std::chrono::minutes(180), 1);
  Outcome a = book(kPublic, {soon, "p1", "", ""});
  Outcome b = book(kPublic, {later, "p2", "", ""});
  ASSERT_TRUE(a.ok && b.ok);
  Outcome refused = cancel(kPublic, idOf(a));
  EXPECT_EQ(refused.problem, Problem::kCancelCutoff);
  EXPECT_NE(refused.detail.find("120 minutes"), std::string::npos);
  EXPECT_TRUE(cancel(kPublic, idOf(b)).ok);
}

TEST_F(PoolTest, StartedSlotsAreClosed) {
  const auto past = addSlot("c-3", std::chrono::minutes(-5), 1);
  EXPECT_EQ(book(kPublic, {past, "p1", "", ""}).problem, Problem::kBookingWindowClosed);
}

}  // namespace
}  // namespace metrogw::booking::test
