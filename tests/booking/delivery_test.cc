// The delivery consumer against a real redis-server, with a fake platform: success, retries while
// the platform is down, final rejection releasing the place exactly once, restart and take-over of
// pending entries, cancels, and the webhook.
#include "booking/delivery.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/redis/test_util.h"

namespace metrogw::booking {
namespace {

using redis::test::runFor;
using redis::test::runUntil;
using namespace std::chrono_literals;

// A platform that answers later on the loop: up (an Appointment), down (unavailable) or refusing.
struct FakePlatform {
  enum class Mode { kUp, kDown, kRefuse, kSilent };
  explicit FakePlatform(Dispatcher& dispatcher) : d(dispatcher) {}
  Dispatcher& d;
  Mode mode = Mode::kUp;
  std::vector<model::CommandT> commands;
  std::vector<std::function<void(StatusOr<model::EnvelopeT>)>> silent;  // never answered

  PlatformSend send() {
    return [this](const model::CommandT& c, std::function<void(StatusOr<model::EnvelopeT>)> done) {
      commands.push_back(c);
      const Mode m = mode;
      if (m == Mode::kSilent) {
        silent.push_back(std::move(done));
        return;
      }
      const std::string ref = "PLAT-" + c.idempotency_key;
      d.post([m, ref, done = std::move(done)] {
        if (m == Mode::kDown) return done(Status::upstreamUnavailable("platform: connection refused"));
        if (m == Mode::kRefuse) {
          model::ProblemT p;
          p.type = "urn:metrogw:problem:slot-unavailable";
          p.status = 409;
          return done(model::envelopeOf(std::move(p)));
        }
        model::AppointmentT a;
        a.id = ref;
        a.status = model::AppointmentStatus::Booked;
        done(model::envelopeOf(std::move(a)));
      });
    };
  }
};

// Records webhook posts and answers 204.
class FakeHttp final : public gateway::HttpClient {
 public:
  explicit FakeHttp(Dispatcher& d) : d_(d) {}
  void send(std::string_view cluster, gateway::ClientRequest request, gateway::ClientCallback done) override {
    posts.emplace_back(std::string(cluster) + " " + request.target + " " + request.body);
    d_.post([done = std::move(done)] {
      gateway::ClientResponse r;
      r.status = 204;
      done(std::move(r));
    });
  }
  std::vector<std::string> posts;

 private:
  Dispatcher& d_;
};

class DeliveryTest : public redis::test::RedisClientTest {
 protected:
  void SetUp() override {
    RedisClientTest::SetUp();
    if (IsSkipped()) return;
    client_ = readyClient(options());
  }

  DeliveryOptions fast(std::string consumer = "n1") const {
    DeliveryOptions o;
    o.key_prefix = "t:";
    o.consumer = std::move(consumer);
    o.retry_initial = 20ms;
    o.retry_max = 80ms;
    o.claim_min_idle = 300ms;
    o.claim_interval = 50ms;
    o.poll_interval = 5ms;
    return o;
  }

  std::unique_ptr<Delivery> makeDelivery(DeliveryOptions o, gateway::HttpClient* http = nullptr) {
    auto d = std::make_unique<Delivery>(d_, *client_, platform_.send(), std::move(o), http);
    d->start();
    return d;
  }

  // A slot of capacity 2 with one booking (aid) in it, and its book entry on the stream.
  void seedBooking(const std::string& aid, bool family = false) {
    ASSERT_TRUE(
        call(*client_, {"HSET", "t:pool:slot:3201.S1", "city", "3201", "platform_id", "S1", "capacity", "2",
                        "reserved", "1", "booked", "1", "booked_family", family ? "1" : "0"})
            .isOk());
    ASSERT_TRUE(call(*client_, {"HSET",          "t:pool:appt:" + aid,
                                "slot",          "3201.S1",
                                "platform_slot", "S1",
                                "city",          "3201",
                                "patient",       "tok-abc",
                                "family",        family ? "1" : "0",
                                "status",        "booked",
                                "delivery",      "pending",
                                "channel",       "partner",
                                "start",         "2026-11-24T09:00:00+08:00"})
                    .isOk());
    ASSERT_TRUE(call(*client_, {"HSET", "t:pool:pday:tok-abc:2026-11-24", aid, "doc1"}).isOk());
    append(aid, "book");
  }
  void append(const std::string& aid, const std::string& action) {
    ASSERT_TRUE(
        call(*client_, {"XADD", "t:pool:delivery", "*", "appointment", aid, "action", action}).isOk());
  }
  std::string field(const std::string& key, const std::string& f) {
    auto r = call(*client_, {"HGET", key, f});
    return r.isOk() ? r->str : "<error>";
  }
  long long pendingCount() {
    auto r = call(*client_, {"XPENDING", "t:pool:delivery", "delivery"});
    return r.isOk() && r->type == redis::Reply::Type::kArray && !r->elements.empty() ? r->elements[0].integer
                                                                                     : -1;
  }
  // Every entry of the stream read by the group and acknowledged (XINFO GROUPS: lag 0, pending 0).
  bool drained() {
    auto r = call(*client_, {"XINFO", "GROUPS", "t:pool:delivery"});
    if (!r.isOk() || r->type != redis::Reply::Type::kArray || r->elements.empty()) return false;
    const auto& fields = r->elements[0].elements;
    long long pending = -1;
    long long lag = -1;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "pending") pending = fields[i + 1].integer;
      if (fields[i].str == "lag") lag = fields[i + 1].integer;
    }
    return pending == 0 && lag == 0;
  }
  // Polls `done` (which may talk to Redis: it runs outside the loop) while the loop runs.
  bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      runFor(d_, 10ms);
    }
    return done();
  }
  bool waitField(const std::string& key, const std::string& f, const std::string& want,
                 std::chrono::milliseconds limit = 5s) {
    return eventually([&] { return field(key, f) == want; }, limit);
  }

  std::unique_ptr<redis::Client> client_;
  FakePlatform platform_{d_};
};

TEST_F(DeliveryTest, BookIsDeliveredWithTheAppointmentIdAsIdempotencyKey) {
  seedBooking("3201.a1", /*family=*/true);
  auto delivery = makeDelivery(fast());
  ASSERT_TRUE(waitField("t:pool:appt:3201.a1", "delivery", "delivered"));
  EXPECT_EQ(field("t:pool:appt:3201.a1", "platform_ref"), "PLAT-3201.a1");
  EXPECT_EQ(field("t:pool:appt:3201.a1", "status"), "booked");
  ASSERT_EQ(platform_.commands.size(), 1U);
  const auto& c = platform_.commands[0];
  EXPECT_EQ(c.action, model::CommandAction::Book);
  EXPECT_EQ(c.slot_id, "S1");
  EXPECT_EQ(c.idempotency_key, "3201.a1");
  EXPECT_TRUE(c.family_doctor);
  ASSERT_TRUE(c.patient && c.patient->identifiers.size() == 1);
  EXPECT_EQ(c.patient->identifiers[0]->value, "tok-abc");
  EXPECT_TRUE(eventually([&] { return drained(); }));
  EXPECT_EQ(field("t:pool:slot:3201.S1", "booked"), "1");
}

TEST_F(DeliveryTest, RetriesWhilePlatformIsDownThenDelivers) {
  platform_.mode = FakePlatform::Mode::kDown;
  seedBooking("3201.a2");
  auto delivery = makeDelivery(fast());
  ASSERT_TRUE(runUntil(d_, [&] { return platform_.commands.size() >= 3; }));
  EXPECT_EQ(field("t:pool:appt:3201.a2", "delivery"), "pending");
  EXPECT_EQ(pendingCount(), 1);
  platform_.mode = FakePlatform::Mode::kUp;
  ASSERT_TRUE(waitField("t:pool:appt:3201.a2", "delivery", "delivered"));
  EXPECT_GE(std::stoi(field("t:pool:appt:3201.a2", "delivery_attempts")), 4);
  for (const auto& c : platform_.commands) EXPECT_EQ(c.idempotency_key, "3201.a2");
  EXPECT_TRUE(eventually([&] { return drained(); }));
}

TEST_F(DeliveryTest, FinalRejectionFailsTheBookingAndReleasesThePlaceExactlyOnce) {
  platform_.mode = FakePlatform::Mode::kRefuse;
  seedBooking("3201.a3", /*family=*/true);
  append("3201.a3", "book");  // a duplicate entry: must not release a second place
  FakeHttp http(d_);
  auto o = fast();
  o.webhook_cluster = "partner";
  o.webhook_path = "/hooks/booking";
  auto delivery = makeDelivery(o, &http);
  ASSERT_TRUE(waitField("t:pool:appt:3201.a3", "status", "failed"));
  EXPECT_TRUE(eventually([&] { return drained(); }));
  runFor(d_, 100ms);
  EXPECT_EQ(field("t:pool:appt:3201.a3", "delivery"), "failed");
  EXPECT_EQ(field("t:pool:appt:3201.a3", "reason"), "platform-409:slot-unavailable");
  EXPECT_EQ(field("t:pool:slot:3201.S1", "booked"), "0");
  EXPECT_EQ(field("t:pool:slot:3201.S1", "booked_family"), "0");
  EXPECT_EQ(field("t:pool:pday:tok-abc:2026-11-24", "3201.a3"),
            "");                             // no longer counts for the patient's limits
  EXPECT_EQ(platform_.commands.size(), 1U);  // the duplicate was skipped: the booking had failed
  ASSERT_TRUE(runUntil(d_, [&] { return !http.posts.empty(); }));
  EXPECT_EQ(
      http.posts[0],
      "partner /hooks/booking "
      R"({"id":"3201.a3","status":"failed","delivery":"failed","reason":"platform-409:slot-unavailable"})");
}

TEST_F(DeliveryTest, MaxAttemptsOfTransientFailuresFailsTheBooking) {
  platform_.mode = FakePlatform::Mode::kDown;
  seedBooking("3201.a4");
  auto o = fast();
  o.max_attempts = 3;
  auto delivery = makeDelivery(o);
  ASSERT_TRUE(waitField("t:pool:appt:3201.a4", "status", "failed"));
  EXPECT_EQ(field("t:pool:appt:3201.a4", "reason"), "max-attempts:platform-unreachable");
  EXPECT_EQ(platform_.commands.size(), 3U);
  EXPECT_EQ(field("t:pool:slot:3201.S1", "booked"), "0");
}

TEST_F(DeliveryTest, RestartedConsumerPicksUpItsPendingEntries) {
  platform_.mode = FakePlatform::Mode::kSilent;
  seedBooking("3201.a5");
  auto first = makeDelivery(fast("n1"));
  ASSERT_TRUE(runUntil(d_, [&] { return platform_.commands.size() == 1; }));
  first.reset();  // the node stops with the entry read but not acknowledged
  EXPECT_EQ(pendingCount(), 1);
  platform_.mode = FakePlatform::Mode::kUp;
  auto second = makeDelivery(fast("n1"));
  ASSERT_TRUE(waitField("t:pool:appt:3201.a5", "delivery", "delivered"));
  EXPECT_TRUE(eventually([&] { return drained(); }));
}

TEST_F(DeliveryTest, AnotherConsumerTakesOverEntriesLeftIdle) {
  platform_.mode = FakePlatform::Mode::kSilent;
  seedBooking("3201.a6");
  auto dead = makeDelivery(fast("n1"));
  ASSERT_TRUE(runUntil(d_, [&] { return platform_.commands.size() == 1; }));
  dead.reset();
  platform_.mode = FakePlatform::Mode::kUp;
  auto other = makeDelivery(fast("n2"));  // reads nothing new; claims after claim_min_idle
  ASSERT_TRUE(waitField("t:pool:appt:3201.a6", "delivery", "delivered"));
}

TEST_F(DeliveryTest, CancelOfADeliveredBookingIsSentWithThePlatformReference) {
  seedBooking("3201.a7");
  auto delivery = makeDelivery(fast());
  ASSERT_TRUE(waitField("t:pool:appt:3201.a7", "delivery", "delivered"));
  ASSERT_TRUE(
      call(*client_, {"HSET", "t:pool:appt:3201.a7", "status", "cancelled", "delivery", "pending"}).isOk());
  append("3201.a7", "cancel");
  ASSERT_TRUE(waitField("t:pool:appt:3201.a7", "delivery", "delivered"));
  ASSERT_EQ(platform_.commands.size(), 2U);
  EXPECT_EQ(platform_.commands[1].action, model::CommandAction::Cancel);
  EXPECT_EQ(platform_.commands[1].appointment_id, "PLAT-3201.a7");
  EXPECT_EQ(platform_.commands[1].idempotency_key, "3201.a7:cancel");
}

TEST_F(DeliveryTest, BookingCancelledBeforeDeliveryIsNotSent) {
  seedBooking("3201.a8");
  ASSERT_TRUE(call(*client_, {"HSET", "t:pool:appt:3201.a8", "status", "cancelled"}).isOk());
  append("3201.a8", "cancel");
  auto delivery = makeDelivery(fast());
  bool done = false;
  for (int i = 0; i < 300 && !done; ++i) {
    runFor(d_, 10ms);
    done = drained();
  }
  EXPECT_TRUE(done);
  EXPECT_TRUE(platform_.commands.empty());
}

TEST_F(DeliveryTest, RedisOutageLeavesEntriesPendingUntilItReturns) {
  platform_.mode = FakePlatform::Mode::kDown;
  seedBooking("3201.a9");
  auto delivery = makeDelivery(fast());
  ASSERT_TRUE(runUntil(d_, [&] { return !platform_.commands.empty(); }));
  server_.pause();
  platform_.mode = FakePlatform::Mode::kUp;
  runFor(d_, 300ms);
  server_.resume();
  ASSERT_TRUE(waitField("t:pool:appt:3201.a9", "delivery", "delivered", 10s));
}

}  // namespace
}  // namespace metrogw::booking
