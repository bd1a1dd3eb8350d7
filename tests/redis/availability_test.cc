// The redis Client when the server is away, slow, stuck or refuses us: fail fast, AUTH failures,
// reconnect after restarts, command timeouts and the stuck-server reconnect, max_pending, stop()
// and destruction with commands in flight (also from inside callbacks).
#include <gtest/gtest.h>

#include <algorithm>

#include "observability/metrics.h"
#include "redis/client.h"
#include "tests/redis/test_util.h"

namespace metrogw::redis::test {
namespace {

bool contains(const std::vector<State>& states, State s) {
  return std::find(states.begin(), states.end(), s) != states.end();
}

TEST_F(RedisClientTest, AuthWithTheRightPasswordBecomesReady) {
  ASSERT_TRUE(server_.start(0, "s3cret pass"));
  auto c = readyClient(options());
  EXPECT_EQ(call(*c, {"SET", "k", "v"})->str, "OK");
  EXPECT_EQ(states_, (std::vector<State>{State::kConnecting, State::kReady}));
}

TEST_F(RedisClientTest, WrongPasswordNeverReadyUntilTheServerAgrees) {
  ASSERT_TRUE(server_.start(0, "right"));
  Options o = options();
  o.password = "wrong";
  auto c = makeClient(o);
  runFor(d_, 300ms);  // several attempts at 20..200 ms backoff
  EXPECT_EQ(c->state(), State::kDown);
  EXPECT_FALSE(contains(states_, State::kReady));
  EXPECT_EQ(states_,
            (std::vector<State>{State::kConnecting, State::kDown}));  // one change, not one per attempt
  EXPECT_EQ(call(*c, {"GET", "k"}).status().code(), StatusCode::kUpstreamUnavailable);

  ASSERT_TRUE(server_.start(server_.port(), "wrong"));  // the operator fixes the server side
  EXPECT_TRUE(runUntil(d_, [&] { return c->state() == State::kReady; }));
  EXPECT_EQ(call(*c, {"PING"})->str, "PONG");
}

TEST_F(RedisClientTest, PasswordlessClientAgainstProtectedServerIsDown) {
  ASSERT_TRUE(server_.start(0, "right"));
  Options o = options();
  o.password.clear();  // PING answers NOAUTH
  auto c = makeClient(o);
  runFor(d_, 200ms);
  EXPECT_EQ(c->state(), State::kDown);
  EXPECT_FALSE(contains(states_, State::kReady));
}

TEST_F(RedisClientTest, FailsFastWhenNothingListensAndNeverInline) {
  Options o = options();
  o.port = RedisServer::freePort();
  auto c = makeClient(o);
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kDown; }));
  Result r;
  c->command({"GET", "k"}, r.callback());
  EXPECT_EQ(r.calls, 0);
  ASSERT_TRUE(runUntil(
      d_, [&] { return r.done(); }, 1s));
  EXPECT_EQ(r.code(), StatusCode::kUpstreamUnavailable);
  runFor(d_, 100ms);
  EXPECT_EQ(r.calls, 1);
}

TEST_F(RedisClientTest, FailsFastBeforeStart) {
  Client c(d_, options());
  EXPECT_EQ(c.state(), State::kDown);
  Result r;
  c.command({"PING"}, r.callback());
  EXPECT_EQ(r.calls, 0);
  ASSERT_TRUE(runUntil(
      d_, [&] { return r.done(); }, 1s));
  EXPECT_EQ(r.code(), StatusCode::kUpstreamUnavailable);
}

TEST_F(RedisClientTest, ReconnectsAfterTheServerRestarts) {
  auto c = readyClient(options());
  ASSERT_TRUE(call(*c, {"SET", "k", "v"}).isOk());
  server_.stop();
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kDown; }));
  EXPECT_EQ(call(*c, {"GET", "k"}).status().code(), StatusCode::kUpstreamUnavailable);
  runFor(d_, 100ms);  // a few refused attempts
  EXPECT_EQ(c->state(), State::kDown);

  ASSERT_TRUE(server_.restart());
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kReady; }));
  EXPECT_EQ(states_, (std::vector<State>{State::kConnecting, State::kReady, State::kDown, State::kReady}));
  EXPECT_EQ(call(*c, {"SET", "k", "again"})->str, "OK");
  EXPECT_EQ(call(*c, {"GET", "k"})->str, "again");
}

TEST_F(RedisClientTest, PendingCommandsFailWhenTheServerGoesAway) {
  auto c = readyClient(options());
  server_.pause();
  std::vector<Result> results(5);
  for (auto& r : results) c->command({"GET", "k"}, r.callback());
  server_.stop();  // SIGCONT + SIGTERM: the connection closes with the commands unanswered
  ASSERT_TRUE(runUntil(
      d_, [&] { return std::all_of(results.begin(), results.end(), [](auto& r) { return r.done(); }); }));
  for (auto& r : results) {
    EXPECT_EQ(r.calls, 1);
    EXPECT_TRUE(r.code() == StatusCode::kUpstreamUnavailable || r.code() == StatusCode::kOk ||
                r.code() == StatusCode::kUpstreamTimeout)
        << statusCodeName(r.code());
  }
}

TEST_F(RedisClientTest, CommandTimesOutWhileTheServerIsStoppedThenReconnects) {
  Options o = options();
  o.command_timeout = 200ms;
  o.timeouts_before_reconnect = 3;
  observability::Registry registry(1);
  auto c = readyClient(o, &registry);
  server_.pause();

  Result one;
  const auto issued = std::chrono::steady_clock::now();
  c->command({"GET", "k"}, one.callback());
  ASSERT_TRUE(runUntil(d_, [&] { return one.done(); }));
  EXPECT_EQ(one.code(), StatusCode::kUpstreamTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - issued, 5s);
  EXPECT_EQ(c->state(), State::kReady);  // one timeout is not yet a stuck server

  std::vector<Result> more(2);
  for (auto& r : more) c->command({"GET", "k"}, r.callback());
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kDown; }));  // third consecutive timeout
  for (auto& r : more) {
    EXPECT_EQ(r.calls, 1);
    EXPECT_EQ(r.code(), StatusCode::kUpstreamTimeout);
  }

  server_.resume();
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kReady; }));
  EXPECT_EQ(call(*c, {"PING"})->str, "PONG");
  EXPECT_EQ(one.calls, 1);  // the late reply to the first GET went nowhere

  const auto commands = registry.addCounter("metrogw_redis_commands_total", "", {"result"});
  EXPECT_EQ(registry.counter(commands, 0, {"timeout"}).value.load(), 3U);
  EXPECT_EQ(registry.counter(commands, 0, {"ok"}).value.load(), 1U);
  const auto reconnects = registry.addCounter("metrogw_redis_reconnects_total", "", {});
  EXPECT_GE(registry.counter(reconnects, 0, {}).value.load(), 1U);
}

TEST_F(RedisClientTest, StuckDuringHandshakeHitsConnectTimeout) {
  server_.pause();
  Options o = options();
  o.connect_timeout = 150ms;
  auto c = makeClient(o);
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kDown; }));
  server_.resume();
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kReady; }));
}

TEST_F(RedisClientTest, MaxPendingFailsFastWithResourceExhausted) {
  Options o = options();
  o.max_pending = 4;
  auto c = readyClient(o);
  std::vector<Result> results(10);
  for (auto& r : results) c->command({"INCR", "n"}, r.callback());
  for (auto& r : results) EXPECT_EQ(r.calls, 0);
  ASSERT_TRUE(runUntil(
      d_, [&] { return std::all_of(results.begin(), results.end(), [](auto& r) { return r.done(); }); }));
  int ok = 0;
  int exhausted = 0;
  for (auto& r : results) {
    EXPECT_EQ(r.calls, 1);
    ok += r.code() == StatusCode::kOk ? 1 : 0;
    exhausted += r.code() == StatusCode::kResourceExhausted ? 1 : 0;
  }
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(exhausted, 6);
  EXPECT_EQ(call(*c, {"GET", "n"})->str, "4");  // the slots free up again
}

TEST_F(RedisClientTest, StopFailsPendingExactlyOnce) {
  auto c = readyClient(options());
  server_.pause();
  std::vector<Result> results(5);
  for (auto& r : results) c->command({"GET", "k"}, r.callback());
  c->stop();
  for (auto& r : results) {
    EXPECT_EQ(r.calls, 1);
    EXPECT_EQ(r.code(), StatusCode::kUpstreamUnavailable);
  }
  EXPECT_EQ(c->state(), State::kDown);
  server_.resume();
  runFor(d_, 400ms);  // past the command timeout, and time for late replies: nothing more arrives
  for (auto& r : results) EXPECT_EQ(r.calls, 1);
  EXPECT_EQ(c->state(), State::kDown);  // stopped: no reconnect
  EXPECT_EQ(call(*c, {"PING"}).status().code(), StatusCode::kUpstreamUnavailable);

  c->start();
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kReady; }));
}

TEST_F(RedisClientTest, DestroyingTheClientWithCommandsInFlightFailsThemOnce) {
  auto c = readyClient(options());
  server_.pause();
  std::vector<Result> results(5);
  for (auto& r : results) c->command({"GET", "k"}, r.callback());
  Result refused;  // fail-fast callbacks not yet delivered also run once
  c->command({"SUBSCRIBE", "x"}, refused.callback());
  c.reset();
  for (auto& r : results) {
    EXPECT_EQ(r.calls, 1);
    EXPECT_EQ(r.code(), StatusCode::kUpstreamUnavailable);
  }
  EXPECT_EQ(refused.calls, 1);
  server_.resume();
  runFor(d_, 300ms);
  for (auto& r : results) EXPECT_EQ(r.calls, 1);
}

TEST_F(RedisClientTest, DestroyingTheClientFromInsideAReplyCallbackIsSafe) {
  auto c = readyClient(options());
  ASSERT_TRUE(call(*c, {"SET", "k", "v"}).isOk());
  constexpr int kCommands = 200;  // pipelined: many replies arrive in the same read
  std::vector<Result> results(kCommands);
  int first_ok = 0;
  for (int i = 0; i < kCommands; ++i) {
    if (i == 0) {
      c->command({"GET", "k"}, [&](const StatusOr<Reply>& r) {
        ++results[0].calls;
        first_ok = r.isOk() ? 1 : 0;
        c.reset();  // destroy the client in the middle of hiredis's reply loop
      });
    } else {
      c->command({"GET", "k"}, results[static_cast<size_t>(i)].callback());
    }
  }
  ASSERT_TRUE(runUntil(d_, [&] { return c == nullptr; }));
  EXPECT_EQ(first_ok, 1);
  runFor(d_, 100ms);  // the deferred free runs; the replies already in flight are dropped
  EXPECT_EQ(results[0].calls, 1);
  for (int i = 1; i < kCommands; ++i) {
    EXPECT_EQ(results[static_cast<size_t>(i)].calls, 1);
    EXPECT_EQ(results[static_cast<size_t>(i)].code(), StatusCode::kUpstreamUnavailable);
  }
}

TEST_F(RedisClientTest, CallbacksMayStopAndIssueCommands) {
  auto c = readyClient(options());
  Result after_stop;
  Result first;
  c->command({"PING"}, [&](StatusOr<Reply> r) {
    first.callback()(std::move(r));
    c->stop();
    c->command({"PING"}, after_stop.callback());  // not ready any more: fails fast, later
    EXPECT_EQ(after_stop.calls, 0);
  });
  ASSERT_TRUE(runUntil(d_, [&] { return after_stop.done(); }));
  EXPECT_EQ(first.code(), StatusCode::kOk);
  EXPECT_EQ(after_stop.code(), StatusCode::kUpstreamUnavailable);
  EXPECT_EQ(c->state(), State::kDown);
}

TEST_F(RedisClientTest, FailFastCallbackMayDestroyTheClient) {
  auto c = makeClient(options());  // not ready yet: both commands fail fast, in one batch
  Result second;
  c->command({"PING"}, [&](const StatusOr<Reply>&) { c.reset(); });
  c->command({"PING"}, second.callback());
  ASSERT_TRUE(runUntil(d_, [&] { return second.done(); }));
  EXPECT_EQ(c, nullptr);
  EXPECT_EQ(second.code(), StatusCode::kUpstreamUnavailable);
  runFor(d_, 50ms);
  EXPECT_EQ(second.calls, 1);
}

TEST_F(RedisClientTest, EmptyCallbackIsFireAndForget) {
  auto c = readyClient(options());
  c->command({"SET", "k", "fire-and-forget"}, {});
  EXPECT_EQ(call(*c, {"GET", "k"})->str, "fire-and-forget");  // same connection: in order
}

TEST_F(RedisClientTest, StateCallbackMayDestroyTheClient) {
  std::unique_ptr<Client> c;
  c = std::make_unique<Client>(d_, options(), nullptr, 0, [&](State s) {
    states_.push_back(s);
    if (s == State::kDown) c.reset();
  });
  c->start();
  ASSERT_TRUE(runUntil(d_, [&] { return c->state() == State::kReady; }));
  Result pending;
  server_.stop();
  c->command({"GET", "k"}, pending.callback());
  ASSERT_TRUE(runUntil(d_, [&] { return c == nullptr; }));
  ASSERT_TRUE(runUntil(d_, [&] { return pending.done(); }));
  EXPECT_EQ(pending.calls, 1);
  EXPECT_EQ(pending.code(), StatusCode::kUpstreamUnavailable);
}

}  // namespace
}  // namespace metrogw::redis::test
