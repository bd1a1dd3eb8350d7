// The consent ledger against a real redis-server: grant, history, revocation keeps history, a
// revoked grant stops permitting, idempotent revocation, other ledgers' ids not found.
#include "consent/ledger.h"

#include <gtest/gtest.h>

#include "policy/policy.h"
#include "tests/redis/test_util.h"

namespace metrogw::consent {
namespace {

using redis::test::RedisClientTest;
using redis::test::runUntil;

constexpr int64_t kDay = 24LL * 3'600'000;
constexpr int64_t kNow = 1'790'000'000'000;  // 2026-09-21

Record grantFor(const std::string& token) {
  Record r;
  r.patient_token = token;
  r.grantee.city = "3405";
  r.categories = {policy::Category::kLabReport};
  r.purposes = {policy::Purpose::kTreatment};
  r.not_before_ms = kNow - kDay;
  r.not_after_ms = kNow + 30 * kDay;
  r.source = "12320-app";
  r.recorded_ms = kNow - kDay;
  r.recorded_by = "CN=nanjing-his.partner";
  return r;
}

policy::Request readBy(const std::string& token, int64_t now_ms) {
  policy::Request q;
  q.caller_city = "3405";
  q.practitioner = "D1";
  q.patient_token = token;
  q.category = policy::Category::kLabReport;
  q.purpose = policy::Purpose::kTreatment;
  q.now_ms = now_ms;
  return q;
}

class LedgerTest : public RedisClientTest {
 protected:
  void SetUp() override {
    RedisClientTest::SetUp();
    if (IsSkipped()) return;
    client_ = readyClient(options());
    ASSERT_EQ(client_->state(), redis::State::kReady);
    ledger_ = std::make_unique<Ledger>(*client_, "mgw:", "3201");
  }
  void TearDown() override {
    ledger_.reset();
    client_.reset();
  }

  StatusOr<Record> grant(Record r) {
    std::optional<StatusOr<Record>> out;
    ledger_->grant(std::move(r), [&](StatusOr<Record> s) { out.emplace(std::move(s)); });
    EXPECT_TRUE(runUntil(d_, [&] { return out.has_value(); }));
    return out ? std::move(*out) : StatusOr<Record>(Status::internal("no answer"));
  }
  StatusOr<Record> revoke(const std::string& id, int64_t now_ms) {
    std::optional<StatusOr<Record>> out;
    ledger_->revoke(id, now_ms, "CN=nanjing-his.partner",
                    [&](StatusOr<Record> s) { out.emplace(std::move(s)); });
    EXPECT_TRUE(runUntil(d_, [&] { return out.has_value(); }));
    return out ? std::move(*out) : StatusOr<Record>(Status::internal("no answer"));
  }
  std::vector<Record> history(const std::string& token) {
    std::optional<StatusOr<std::vector<Record>>> out;
    ledger_->history(token, [&](StatusOr<std::vector<Record>> s) { out.emplace(std::move(s)); });
    EXPECT_TRUE(runUntil(d_, [&] { return out.has_value(); }));
    EXPECT_TRUE(out && out->isOk());
    return out && out->isOk() ? std::move(out->value()) : std::vector<Record>{};
  }

  std::unique_ptr<redis::Client> client_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LedgerTest, GrantIsStoredWithAnIdOfThisCityAndListed) {
  auto stored = grant(grantFor("t1.aaa"));
  ASSERT_TRUE(stored.isOk()) << stored.status().toString();
  EXPECT_EQ(stored->id.rfind("3201-", 0), 0U);
  EXPECT_EQ(stored->home_city, "3201");
  auto h = history("t1.aaa");
  ASSERT_EQ(h.size(), 1U);
  EXPECT_EQ(h[0].id, stored->id);
  EXPECT_EQ(h[0].grantee.city, "3405");
  EXPECT_EQ(h[0].not_after_ms, kNow + 30 * kDay);
  EXPECT_EQ(h[0].source, "12320-app");
  EXPECT_TRUE(history("t1.other").empty());
}

TEST_F(LedgerTest, RevocationIsANewRecordAndTheGrantStays) {
  auto g = grant(grantFor("t1.bbb"));
  ASSERT_TRUE(g.isOk());
  auto before = effective(history("t1.bbb"));
  EXPECT_TRUE(policy::decide(readBy("t1.bbb", kNow), before, policy::Settings{}).permit);

  auto r = revoke(g->id, kNow);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->kind, Kind::kRevocation);
  EXPECT_EQ(r->revokes, g->id);
  EXPECT_NE(r->id, g->id);

  auto h = history("t1.bbb");
  ASSERT_EQ(h.size(), 2U);  // history kept: the grant, then its revocation
  EXPECT_EQ(h[0].id, g->id);
  EXPECT_EQ(h[0].kind, Kind::kGrant);
  EXPECT_EQ(h[1].id, r->id);
  auto after = effective(h);
  ASSERT_EQ(after.size(), 1U);
  EXPECT_TRUE(after[0].revoked);
  EXPECT_EQ(after[0].revoked_ms, kNow);
  auto d = policy::decide(readBy("t1.bbb", kNow + 1), after, policy::Settings{});
  EXPECT_FALSE(d.permit);
  EXPECT_EQ(d.reason, "revoked");
  // Before the revocation the record still permitted (history answers "was it allowed then").
  EXPECT_TRUE(policy::decide(readBy("t1.bbb", kNow - 1), after, policy::Settings{}).permit);
}

TEST_F(LedgerTest, RevokingTwiceAnswersTheFirstRevocation) {
  auto g = grant(grantFor("t1.ccc"));
  ASSERT_TRUE(g.isOk());
  auto first = revoke(g->id, kNow);
  auto second = revoke(g->id, kNow + 5);
  ASSERT_TRUE(first.isOk());
  ASSERT_TRUE(second.isOk());
  EXPECT_EQ(first->id, second->id);
  EXPECT_EQ(history("t1.ccc").size(), 2U);
}

TEST_F(LedgerTest, UnknownOrRevocationIdsAreNotFound) {
  EXPECT_EQ(revoke("3201-00000000000000000000000000000000", kNow).status().code(), StatusCode::kNotFound);
  auto g = grant(grantFor("t1.ddd"));
  ASSERT_TRUE(g.isOk());
  auto r = revoke(g->id, kNow);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(revoke(r->id, kNow).status().code(), StatusCode::kNotFound);  // a revocation is not revocable
}

TEST_F(LedgerTest, RedisDownFailsInsteadOfAnsweringEmpty) {
  server_.stop();
  ASSERT_TRUE(runUntil(d_, [&] { return client_->state() != redis::State::kReady; }));
  std::optional<StatusOr<std::vector<Record>>> out;
  ledger_->history("t1.eee", [&](StatusOr<std::vector<Record>> s) { out.emplace(std::move(s)); });
  ASSERT_TRUE(runUntil(d_, [&] { return out.has_value(); }));
  EXPECT_FALSE(out->isOk());  // never "no consent records" when the ledger cannot be read
}

// redis.wait_replicas: without a replica the grant is stored but not confirmed (503 for the
// caller, who may retry); once a replica follows the primary, grants and revocations are confirmed.
TEST_F(LedgerTest, WithWaitReplicasAWriteIsConfirmedOnlyOnceAReplicaHoldsIt) {
  ledger_->setDurability({1, std::chrono::milliseconds(200)});
  auto unconfirmed = grant(grantFor("t1.fff"));
  ASSERT_EQ(unconfirmed.status().code(), StatusCode::kUpstreamUnavailable);
  EXPECT_NE(unconfirmed.status().message().find("not yet on 1 replica(s) (0 acknowledged)"),
            std::string::npos)
      << unconfirmed.status().toString();
  EXPECT_EQ(history("t1.fff").size(), 1U);  // stored on the primary all the same

  redis::test::RedisServer replica;
  ASSERT_TRUE(replica.start());
  auto replica_options = options();
  replica_options.port = replica.port();
  auto to_replica = readyClient(replica_options);
  std::optional<StatusOr<redis::Reply>> follows;
  to_replica->command({"REPLICAOF", "127.0.0.1", std::to_string(server_.port())},
                      [&](StatusOr<redis::Reply> r) { follows.emplace(std::move(r)); });
  ASSERT_TRUE(runUntil(d_, [&] { return follows.has_value(); }));
  ASSERT_TRUE(follows->isOk());

  // The first sync takes a moment: wait up to 3 s, on a client whose command timeout is longer
  // (WAIT is ended by whichever comes first).
  ledger_.reset();
  auto patient = options();
  patient.command_timeout = std::chrono::milliseconds(4000);
  client_ = readyClient(patient);
  ledger_ = std::make_unique<Ledger>(*client_, "mgw:", "3201");
  ledger_->setDurability({1, std::chrono::milliseconds(3000)});
  auto confirmed = grant(grantFor("t1.ggg"));
  ASSERT_TRUE(confirmed.isOk()) << confirmed.status().toString();
  auto revoked = revoke(confirmed->id, kNow);
  ASSERT_TRUE(revoked.isOk()) << revoked.status().toString();
  EXPECT_EQ(revoked->revokes, confirmed->id);
}

}  // namespace
}  // namespace metrogw::consent
