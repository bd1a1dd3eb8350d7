// Helpers for the redis client tests: drive a Dispatcher until a condition or a deadline, record
// reply callbacks, and a fixture with a running redis-server.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/event_loop.h"
#include "redis/client.h"
#include "tests/redis/redis_server.h"

namespace metrogw::redis::test {

using namespace std::chrono_literals;

// Runs the loop until `done()` holds (checked every millisecond) or `limit` passes; returns done().
inline bool runUntil(Dispatcher& d, const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
  if (done()) return true;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::unique_ptr<Timer> check;
  check = std::make_unique<Timer>(d.base(), [&] {
    if (done() || std::chrono::steady_clock::now() >= deadline) {
      d.exit();
      return;
    }
    check->enableOnce(1ms);
  });
  check->enableOnce(1ms);
  d.run();
  return done();
}

// Runs the loop for `duration` (to check that nothing more happens).
inline void runFor(Dispatcher& d, std::chrono::milliseconds duration) {
  runUntil(
      d, [] { return false; }, duration);
}

// Records every call of one reply callback.
struct Result {
  int calls = 0;
  std::optional<StatusOr<Reply>> last;
  ReplyCallback callback() {
    return [this](StatusOr<Reply> r) {
      ++calls;
      last.emplace(std::move(r));
    };
  }
  [[nodiscard]] bool done() const { return calls > 0; }
  [[nodiscard]] StatusCode code() const { return last ? last->status().code() : StatusCode::kInternal; }
};

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
    std::signal(SIGPIPE, SIG_IGN);  // as the node does: writes to a closed connection must not kill us
    ASSERT_TRUE(server_.start());
  }

  [[nodiscard]] Options options() const {
    Options o;
    o.port = server_.port();
    o.password = server_.password();
    o.command_timeout = 250ms;
    o.reconnect_min = 20ms;
    o.reconnect_max = 200ms;
    return o;
  }

  // A started client whose state changes are recorded in states_.
  std::unique_ptr<Client> makeClient(Options o, observability::Registry* metrics = nullptr,
                                     uint32_t shard = 0) {
    auto c =
        std::make_unique<Client>(d_, std::move(o), metrics, shard, [this](State s) { states_.push_back(s); });
    c->start();
    return c;
  }
  std::unique_ptr<Client> readyClient(Options o, observability::Registry* metrics = nullptr,
                                      uint32_t shard = 0) {
    auto c = makeClient(std::move(o), metrics, shard);
    EXPECT_TRUE(runUntil(d_, [&] { return c->state() == State::kReady; }));
    return c;
  }

  // Issues one command and drives the loop until its callback ran (or 5 s passed).
  StatusOr<Reply> call(Client& c, const std::vector<std::string>& args) {
    Result r;
    c.command(args, r.callback());
    if (!runUntil(d_, [&] { return r.done(); })) return Status::internal("no callback within 5 s");
    return std::move(*r.last);
  }

  Dispatcher d_;
  RedisServer server_;
  std::vector<State> states_;
};

}  // namespace metrogw::redis::test
