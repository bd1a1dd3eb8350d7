// The pool's scripts against a real redis-server: hold, book, cancel, idempotency, hold expiry,
// sync, search, and no oversell when many bookings race on one slot.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "tests/booking/pool_test_util.h"

namespace metrogw::booking::test {
namespace {

using gateway::http::Problem;

const Caller kWuhu{"3402", "wuhu-his", false};
const Caller kFamily{"3402", "wuhu-family", true};

std::string jsonField(const std::string& body, const char* name) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember(name) || !d[name].IsString()) return "";
  return d[name].GetString();
}

TEST_F(PoolTest, HoldThenBookFromTheHold) {
  const auto sid = addSlot("s-1", std::chrono::hours(48), 1);
  Outcome h = hold(kWuhu, sid, "tok-a");
  ASSERT_TRUE(h.ok) << h.detail;
  EXPECT_EQ(h.status, 201);
  const std::string hid = jsonField(h.body, "hold");
  EXPECT_EQ(hid.rfind("3201.h", 0), 0U) << h.body;
  EXPECT_EQ(jsonField(h.body, "slot"), sid);
  // The hold takes the only place.
  Outcome other = book(kWuhu, {sid, "tok-b", "", ""});
  EXPECT_FALSE(other.ok);
  EXPECT_EQ(other.problem, Problem::kSlotUnavailable);

  Outcome b = book(kWuhu, {sid, "tok-a", hid, R"({"reason":"knee"})"});
  ASSERT_TRUE(b.ok) << b.detail;
  EXPECT_EQ(b.status, 201);
  const std::string aid = jsonField(b.body, "id");
  EXPECT_EQ(aid.rfind("3201.a", 0), 0U);
  EXPECT_EQ(jsonField(b.body, "status"), "booked");
  EXPECT_EQ(jsonField(b.body, "delivery"), "pending");
  EXPECT_NE(b.body.find("knee"), std::string::npos);
  EXPECT_EQ(field("t:pool:slot:" + sid, "booked"), "1");
  EXPECT_EQ(field("t:pool:appt:" + aid, "patient"), "tok-a");
  EXPECT_EQ(field("t:pool:appt:" + aid, "channel"), "wuhu-his");
  EXPECT_EQ(call({"EXISTS", "t:pool:hold:" + hid})->integer, 0);
  auto stream = call({"XRANGE", "t:pool:delivery", "-", "+"});
  ASSERT_TRUE(stream.isOk());
  ASSERT_EQ(stream->elements.size(), 1U);
  const auto& f = stream->elements[0].elements[1].elements;
  ASSERT_EQ(f.size(), 4U);
  EXPECT_EQ(f[1].str, aid);
  EXPECT_EQ(f[3].str, "book");
  auto stats = call({"HGETALL", "t:pool:stats:" + federation::chinaTime(nowMs() / 1000).substr(0, 7)});
  ASSERT_TRUE(stats.isOk());
  ASSERT_EQ(stats->elements.size(), 2U);
  EXPECT_EQ(stats->elements[0].str, "h1|wuhu-his");
  EXPECT_EQ(stats->elements[1].str, "1");
}

TEST_F(PoolTest, DirectBookingsStopAtCapacity) {
  const auto sid = addSlot("s-2", std::chrono::hours(30), 2);
  EXPECT_TRUE(book(kWuhu, {sid, "tok-a", "", ""}).ok);
  EXPECT_TRUE(book(kWuhu, {sid, "tok-b", "", ""}).ok);
  Outcome third = book(kWuhu, {sid, "tok-c", "", ""});
  EXPECT_FALSE(third.ok);
  EXPECT_EQ(third.problem, Problem::kSlotUnavailable);
  EXPECT_EQ(third.status, 409);
  EXPECT_EQ(field("t:pool:slot:" + sid, "booked"), "2");
  Outcome unknown = book(kWuhu, {"3201.nope", "tok-a", "", ""});
  EXPECT_EQ(unknown.problem, Problem::kSlotUnavailable);
}

TEST_F(PoolTest, HoldExpiresAndFreesItsPlace) {
  config::Booking s;
  s.hold_ttl = 150ms;
  setSettings(s);
  const auto sid = addSlot("s-3", std::chrono::hours(30), 1);
  Outcome h = hold(kWuhu, sid, "tok-a");
  ASSERT_TRUE(h.ok);
  EXPECT_EQ(hold(kWuhu, sid, "tok-b").problem, Problem::kSlotUnavailable);
  std::this_thread::sleep_for(250ms);
  Outcome late = book(kWuhu, {sid, "tok-a", jsonField(h.body, "hold"), ""});
  EXPECT_FALSE(late.ok);
  EXPECT_EQ(late.problem, Problem::kHoldExpired);
  EXPECT_TRUE(hold(kWuhu, sid, "tok-b").ok);
}

TEST_F(PoolTest, AHoldIsOnlyItsCallersAndPatients) {
  const auto sid = addSlot("s-4", std::chrono::hours(30), 2);
  Outcome h = hold(kWuhu, sid, "tok-a");
  ASSERT_TRUE(h.ok);
  const std::string hid = jsonField(h.body, "hold");
  EXPECT_EQ(book(kFamily, {sid, "tok-a", hid, ""}).problem, Problem::kHoldExpired);
  EXPECT_EQ(book(kWuhu, {sid, "tok-z", hid, ""}).problem, Problem::kHoldExpired);
  EXPECT_TRUE(book(kWuhu, {sid, "tok-a", hid, ""}).ok);
  EXPECT_EQ(book(kWuhu, {sid, "tok-a", hid, ""}).problem, Problem::kHoldExpired);  // used up
}

TEST_F(PoolTest, IdempotentRetryReturnsTheFirstAnswer) {
  const auto sid = addSlot("s-5", std::chrono::hours(30), 3);
  Outcome first = book(kWuhu, {sid, "tok-a", "", ""}, "key-1", "digest-1");
  ASSERT_TRUE(first.ok);
  EXPECT_FALSE(first.replay);
  Outcome again = book(kWuhu, {sid, "tok-a", "", ""}, "key-1", "digest-1");
  ASSERT_TRUE(again.ok);
  EXPECT_TRUE(again.replay);
  EXPECT_EQ(again.status, first.status);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(field("t:pool:slot:" + sid, "booked"), "1");
  Outcome reused = book(kWuhu, {sid, "tok-b", "", ""}, "key-1", "digest-2");
  EXPECT_EQ(reused.problem, Problem::kIdempotencyKeyReused);
  EXPECT_EQ(reused.status, 422);
  // Keys are scoped per caller: another caller's same key is a new request.
  EXPECT_FALSE(book(kFamily, {sid, "tok-c", "", ""}, "key-1", "digest-1").replay);
  EXPECT_EQ(field("t:pool:slot:" + sid, "booked"), "2");
  auto ttl = call({"PTTL", "t:pool:idem:3402|wuhu-his:key-1"});
  EXPECT_GT(ttl->integer, 23 * 3'600'000LL);
}

TEST_F(PoolTest, CancelFreesThePlaceAndIsQueuedForDelivery) {
  const auto sid = addSlot("s-6", std::chrono::hours(30), 1);
  Outcome b = book(kWuhu, {sid, "tok-a", "", ""});
  ASSERT_TRUE(b.ok);
  const std::string aid = jsonField(b.body, "id");
  EXPECT_EQ(cancel(kFamily, aid).problem, Problem::kAppointmentNotFound);  // not its booking
  Outcome c = cancel(kWuhu, aid, "c-1");
  ASSERT_TRUE(c.ok) << c.detail;
  EXPECT_EQ(c.status, 200);
  EXPECT_EQ(jsonField(c.body, "status"), "cancelled");
  EXPECT_EQ(field("t:pool:slot:" + sid, "booked"), "0");
  EXPECT_EQ(field("t:pool:appt:" + aid, "status"), "cancelled");
  EXPECT_EQ(call({"XLEN", "t:pool:delivery"})->integer, 2);
  EXPECT_EQ(cancel(kWuhu, aid, "c-1").body, c.body);  // retry
  EXPECT_EQ(field("t:pool:slot:" + sid, "booked"), "0");
  EXPECT_TRUE(book(kWuhu, {sid, "tok-b", "", ""}).ok);
}

TEST_F(PoolTest, ReadShowsTheAppointmentToItsCallerOnly) {
  const auto sid = addSlot("s-7", std::chrono::hours(30), 1);
  const std::string aid = jsonField(book(kWuhu, {sid, "tok-a", "", ""}).body, "id");
  Outcome r = wait([&](OutcomeCallback cb) { pool_->read(kWuhu, aid, std::move(cb)); });
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(jsonField(r.body, "delivery"), "pending");
  ASSERT_TRUE(call({"HSET", "t:pool:appt:" + aid, "status", "failed", "delivery", "failed"}).isOk());
  r = wait([&](OutcomeCallback cb) { pool_->read(kWuhu, aid, std::move(cb)); });
  EXPECT_EQ(jsonField(r.body, "status"), "failed");
  r = wait([&](OutcomeCallback cb) { pool_->read(kFamily, aid, std::move(cb)); });
  EXPECT_EQ(r.problem, Problem::kAppointmentNotFound);
}

TEST_F(PoolTest, ManyBookingsRacingOnOneSlotNeverOversell) {
  const auto sid = addSlot("s-8", std::chrono::hours(30), 5);
  redis::Options o;
  o.port = server_.port();
  o.command_timeout = 5s;
  redis::Client second(d_, o);
  second.start();
  ASSERT_TRUE(runUntil(d_, [&] { return second.state() == redis::State::kReady; }));
  Pool other(second, "t:", "3201", settings_);
  int ok = 0, refused = 0, answers = 0;
  auto count = [&](StatusOr<Outcome> r) {
    ++answers;
    if (r.isOk() && r->ok) ++ok;
    if (r.isOk() && !r->ok && r->problem == Problem::kSlotUnavailable) ++refused;
  };
  constexpr int kAttempts = 400;
  for (int i = 0; i < kAttempts; ++i) {
    Pool& p = i % 2 == 0 ? *pool_ : other;
    const std::string patient = "tok-" + std::to_string(i);
    if (i % 3 == 0) {
      p.hold(kWuhu, {}, sid, patient, count);
    } else {
      p.book(kWuhu, {}, {sid, patient, "", ""}, count);
    }
  }
  ASSERT_TRUE(runUntil(
      d_, [&] { return answers == kAttempts; }, 20s));
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(refused, kAttempts - 5);
  const long long booked = std::stoll(field("t:pool:slot:" + sid, "booked"));
  const long long holds = call({"ZCARD", "t:pool:holds:" + sid})->integer;
  EXPECT_EQ(booked + holds, 5);
}

TEST_F(PoolTest, SyncKeepsBookedCountsAndWithdrawsWhatThePlatformDropped) {
  const auto kept = addSlot("s-9", std::chrono::hours(30), 2);
  const auto booked = addSlot("s-10", std::chrono::hours(31), 2);
  const auto dropped = addSlot("s-11", std::chrono::hours(32), 2);
  ASSERT_TRUE(book(kWuhu, {booked, "tok-a", "", ""}).ok);
  PlatformSlot again;
  again.id = kept;
  again.platform_id = "s-9";
  again.hospital = "h1";
  again.department = "ortho";
  again.doctor = "d1";
  again.start_ms = std::stoll(field("t:pool:slot:" + kept, "start_ms"));
  again.start = field("t:pool:slot:" + kept, "start");
  again.capacity = 3;
  auto n = upsert({again}, "g2");
  ASSERT_TRUE(n.isOk());
  EXPECT_EQ(*n, 0);  // not new
  std::optional<StatusOr<long long>> w;
  pool_->finishSync("g2", nowMs(), nowMs() + 86'400'000LL * 3, [&](StatusOr<long long> v) { w.emplace(v); });
  ASSERT_TRUE(runUntil(d_, [&] { return w.has_value(); }));
  ASSERT_TRUE(w->isOk()) << w->status().toString();
  EXPECT_EQ(w->value(), 1);
  EXPECT_EQ(field("t:pool:slot:" + kept, "capacity"), "3");
  EXPECT_EQ(field("t:pool:slot:" + kept, "status"), "free");
  EXPECT_EQ(field("t:pool:slot:" + booked, "status"), "free");  // booked in the pool: kept
  EXPECT_EQ(field("t:pool:slot:" + booked, "booked"), "1");
  EXPECT_EQ(field("t:pool:slot:" + dropped, "status"), "withdrawn");
  EXPECT_EQ(book(kWuhu, {dropped, "tok-b", "", ""}).problem, Problem::kSlotUnavailable);
}

TEST_F(PoolTest, SearchFiltersAndPages) {
  for (int i = 0; i < 7; ++i)
    addSlot("a-" + std::to_string(i), std::chrono::hours(30 + i), 2, false, "h1", "d1");
  for (int i = 0; i < 3; ++i)
    addSlot("b-" + std::to_string(i), std::chrono::hours(30 + i), 1, false, "h2", "d2");
  ASSERT_TRUE(book(kWuhu, {"3201.b-0", "tok-a", "", ""}).ok);
  auto search = [&](SlotSearch q) {
    std::optional<StatusOr<SearchPage>> r;
    pool_->search(q, [&](StatusOr<SearchPage> v) { r.emplace(std::move(v)); });
    EXPECT_TRUE(runUntil(d_, [&] { return r.has_value(); }));
    EXPECT_TRUE(r->isOk()) << r->status().toString();
    return r->isOk() ? r->value() : SearchPage{};
  };
  SlotSearch q;
  q.from_ms = nowMs();
  q.to_ms = nowMs() + 86'400'000LL * 3;
  q.hospital = "h1";
  q.limit = 5;
  SearchPage p1 = search(q);
  ASSERT_EQ(p1.slots.size(), 5U);
  EXPECT_EQ(p1.slots[0].id, "3201.a-0");
  EXPECT_EQ(p1.slots[0].available, 2U);
  ASSERT_FALSE(p1.next_cursor.empty());
  q.offset = std::stoull(p1.next_cursor);
  SearchPage p2 = search(q);
  ASSERT_EQ(p2.slots.size(), 2U);
  EXPECT_EQ(p2.slots[1].id, "3201.a-6");
  EXPECT_TRUE(p2.next_cursor.empty());
  SlotSearch d;
  d.from_ms = q.from_ms;
  d.to_ms = q.to_ms;
  d.doctor = "d2";
  SearchPage byDoctor = search(d);
  ASSERT_EQ(byDoctor.slots.size(), 3U);
  EXPECT_EQ(byDoctor.slots[0].available, 0U);
  EXPECT_EQ(byDoctor.slots[0].hospital, "h2");
}

}  // namespace
}  // namespace metrogw::booking::test
