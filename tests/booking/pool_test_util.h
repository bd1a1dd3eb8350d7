// A Pool over a real redis-server for the booking tests, and helpers to make slots relative to now.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "booking/pool.h"
#include "federation/north_query.h"
#include "tests/redis/test_util.h"

namespace metrogw::booking::test {

using namespace std::chrono_literals;
using redis::test::runUntil;

inline int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!redis::test::RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
    std::signal(SIGPIPE, SIG_IGN);
    ASSERT_TRUE(server_.start());
    redis::Options o;
    o.port = server_.port();
    o.command_timeout = 2s;
    client_ = std::make_unique<redis::Client>(d_, o);
    client_->start();
    ASSERT_TRUE(runUntil(d_, [&] { return client_->state() == redis::State::kReady; }));
    pool_ = std::make_unique<Pool>(*client_, "t:", "3201", settings_);
  }
  void TearDown() override {
    pool_.reset();
    client_.reset();
  }

  void setSettings(const config::Booking& s) {
    settings_ = s;
    pool_->setSettings(s);
  }

  // A slot starting `ahead` from now (30 minutes long), upserted into the pool.
  std::string addSlot(const std::string& platform_id, std::chrono::minutes ahead, uint32_t capacity,
                      bool tertiary = false, const std::string& hospital = "h1",
                      const std::string& doctor = "d1") {
    return addSlotAt(platform_id, (nowMs() / 60'000 + ahead.count()) * 60'000, capacity, tertiary, hospital,
                     doctor);
  }
  // China midnight `days` from today plus `minute` minutes, as unix ms.
  static int64_t chinaDay(int days, int minute) {
    constexpr int64_t kDay = 86'400'000, kEight = 8 * 3'600'000;
    return (nowMs() + kEight) / kDay * kDay - kEight + days * kDay + minute * 60'000LL;
  }
  std::string addSlotAt(const std::string& platform_id, int64_t start_ms, uint32_t capacity,
                        bool tertiary = false, const std::string& hospital = "h1",
                        const std::string& doctor = "d1") {
    PlatformSlot s;
    s.id = "3201." + platform_id;
    s.platform_id = platform_id;
    s.hospital = hospital;
    s.department = "ortho";
    s.doctor = doctor;
    s.start_ms = start_ms;
    s.start = federation::chinaTime(s.start_ms / 1000);
    s.end = federation::chinaTime(s.start_ms / 1000 + 1800);
    s.capacity = capacity;
    s.tertiary = tertiary;
    auto n = upsert({s}, "g1");
    EXPECT_TRUE(n.isOk()) << n.status().toString();
    return s.id;
  }

  StatusOr<long long> upsert(const std::vector<PlatformSlot>& slots, const std::string& gen) {
    std::optional<StatusOr<long long>> r;
    pool_->upsert(slots, gen, [&](StatusOr<long long> v) { r.emplace(std::move(v)); });
    if (!runUntil(d_, [&] { return r.has_value(); })) return Status::internal("no answer");
    return std::move(*r);
  }

  template <class Fn>
  Outcome wait(Fn&& fn) {
    std::optional<StatusOr<Outcome>> r;
    fn([&](StatusOr<Outcome> v) { r.emplace(std::move(v)); });
    EXPECT_TRUE(runUntil(d_, [&] { return r.has_value(); }));
    if (!r || !r->isOk()) {
      ADD_FAILURE() << (r ? r->status().toString() : "no answer");
      return {};
    }
    return std::move(r->value());
  }

  Outcome hold(const Caller& c, const std::string& slot, const std::string& patient,
               const std::string& key = "") {
    return wait([&](OutcomeCallback cb) { pool_->hold(c, {key, "digest"}, slot, patient, std::move(cb)); });
  }
  Outcome book(const Caller& c, const BookRequest& r, const std::string& key = "",
               const std::string& digest = "d") {
    return wait([&](OutcomeCallback cb) { pool_->book(c, {key, digest}, r, std::move(cb)); });
  }
  Outcome cancel(const Caller& c, const std::string& aid, const std::string& key = "") {
    return wait([&](OutcomeCallback cb) { pool_->cancel(c, {key, "digest"}, aid, std::move(cb)); });
  }
  StatusOr<redis::Reply> call(const std::vector<std::string>& args) {
    std::optional<StatusOr<redis::Reply>> r;
    client_->command(args, [&](StatusOr<redis::Reply> v) { r.emplace(std::move(v)); });
    if (!runUntil(d_, [&] { return r.has_value(); })) return Status::internal("no answer");
    return std::move(*r);
  }
  std::string field(const std::string& key, const std::string& name) {
    auto r = call({"HGET", key, name});
    return r.isOk() ? r->str : "";
  }

  Dispatcher d_;
  redis::test::RedisServer server_;
  std::unique_ptr<redis::Client> client_;
  config::Booking settings_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace metrogw::booking::test
