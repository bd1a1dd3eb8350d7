// Round trips through the redis Client against a real redis-server: binary values, every reply
// type, error replies, SELECT, unsupported commands, EVALSHA → EVAL fallback, metrics.
#include "redis/client.h"

#include <gtest/gtest.h>

#include "observability/metrics.h"
#include "tests/redis/test_util.h"

namespace metrogw::redis::test {
namespace {

using Type = Reply::Type;

TEST_F(RedisClientTest, SetGetRoundTripKeepsEmbeddedNulsAndCrLf) {
  auto c = readyClient(options());
  const std::string key("bin\0key", 7);
  const std::string value("a\0b\r\n$3\r\n\xff", 10);
  auto set = call(*c, {"SET", key, value});
  ASSERT_TRUE(set.isOk()) << set.status().toString();
  EXPECT_EQ(set->type, Type::kStatus);
  EXPECT_EQ(set->str, "OK");
  auto get = call(*c, {"GET", key});
  ASSERT_TRUE(get.isOk());
  EXPECT_EQ(get->type, Type::kString);
  EXPECT_EQ(get->str, value);
  EXPECT_EQ(get->str.size(), 10U);
  auto strlen = call(*c, {"STRLEN", key});
  ASSERT_TRUE(strlen.isOk());
  EXPECT_EQ(strlen->integer, 10);
}

TEST_F(RedisClientTest, MissingKeyIsNil) {
  auto c = readyClient(options());
  auto get = call(*c, {"GET", "no-such-key"});
  ASSERT_TRUE(get.isOk());
  EXPECT_EQ(get->type, Type::kNil);
  EXPECT_TRUE(get->str.empty());
}

TEST_F(RedisClientTest, IntegerReplies) {
  auto c = readyClient(options());
  auto first = call(*c, {"INCR", "counter"});
  ASSERT_TRUE(first.isOk());
  EXPECT_EQ(first->type, Type::kInteger);
  EXPECT_EQ(first->integer, 1);
  auto big = call(*c, {"INCRBY", "counter", "9007199254740993"});
  ASSERT_TRUE(big.isOk());
  EXPECT_EQ(big->integer, 9007199254740994LL);
}

TEST_F(RedisClientTest, ArrayReplies) {
  auto c = readyClient(options());
  auto pushed = call(*c, {"RPUSH", "list", "3201", std::string("\0", 1), "3405"});
  ASSERT_TRUE(pushed.isOk());
  EXPECT_EQ(pushed->integer, 3);
  auto range = call(*c, {"LRANGE", "list", "0", "-1"});
  ASSERT_TRUE(range.isOk());
  ASSERT_EQ(range->type, Type::kArray);
  ASSERT_EQ(range->elements.size(), 3U);
  EXPECT_EQ(range->elements[0].str, "3201");
  EXPECT_EQ(range->elements[1].str, std::string("\0", 1));
  EXPECT_EQ(range->elements[2].type, Type::kString);
  auto empty = call(*c, {"LRANGE", "no-list", "0", "-1"});
  ASSERT_TRUE(empty.isOk());
  EXPECT_EQ(empty->type, Type::kArray);
  EXPECT_TRUE(empty->elements.empty());
}

TEST_F(RedisClientTest, ErrorRepliesAreRepliesNotFailedStatuses) {
  auto c = readyClient(options());
  ASSERT_TRUE(call(*c, {"SET", "text", "not a number"}).isOk());
  auto incr = call(*c, {"INCR", "text"});
  ASSERT_TRUE(incr.isOk());
  EXPECT_EQ(incr->type, Type::kError);
  EXPECT_EQ(incr->str, "ERR value is not an integer or out of range");
  auto unknown = call(*c, {"NOSUCHCOMMAND", "x"});
  ASSERT_TRUE(unknown.isOk());
  EXPECT_EQ(unknown->type, Type::kError);
  EXPECT_EQ(unknown->str.rfind("ERR unknown command", 0), 0U) << unknown->str;
  // The connection is still usable after error replies.
  EXPECT_EQ(call(*c, {"GET", "text"})->str, "not a number");
}

TEST_F(RedisClientTest, SelectsTheConfiguredDatabase) {
  Options in_db3 = options();
  in_db3.db = 3;
  auto c3 = readyClient(in_db3);
  auto c0 = readyClient(options());
  ASSERT_TRUE(call(*c3, {"SET", "where", "db3"}).isOk());
  EXPECT_EQ(call(*c0, {"GET", "where"})->type, Type::kNil);
  EXPECT_EQ(call(*c3, {"GET", "where"})->str, "db3");
}

TEST_F(RedisClientTest, CommandsThatBreakReplyPairingAreRefusedLater) {
  auto c = readyClient(options());
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"SUBSCRIBE", "ch"}, {"psubscribe", "p*"}, {"Monitor"}, {"CLIENT", "REPLY", "OFF"}, {}}) {
    Result r;
    c->command(args, r.callback());
    EXPECT_EQ(r.calls, 0) << "callback ran inside command()";
    ASSERT_TRUE(runUntil(d_, [&] { return r.done(); }));
    EXPECT_EQ(r.code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(call(*c, {"PING"})->str, "PONG");
}

TEST_F(RedisClientTest, ScriptSha1MatchesRedis) {
  const Script script("return 1");
  EXPECT_EQ(script.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(script.text(), "return 1");
  auto c = readyClient(options());
  const Script other("return redis.call('GET', KEYS[1])");
  auto loaded = call(*c, {"SCRIPT", "LOAD", other.text()});
  ASSERT_TRUE(loaded.isOk());
  EXPECT_EQ(loaded->str, other.sha1());
}

TEST_F(RedisClientTest, EvalFallsBackToEvalOnNoscriptAndLoadsTheScript) {
  auto c = readyClient(options());
  const Script script("return {redis.call('INCRBY', KEYS[1], ARGV[1]), {KEYS[1], ARGV[2]}}");
  auto exists = [&] { return call(*c, {"SCRIPT", "EXISTS", script.sha1()})->elements.at(0).integer; };
  EXPECT_EQ(exists(), 0);

  auto eval = [&](const std::string& by) {
    Result r;
    c->eval(script, {"slots:3201"}, {by, "tag"}, r.callback());
    EXPECT_TRUE(runUntil(d_, [&] { return r.done(); }));
    EXPECT_EQ(r.calls, 1);
    return std::move(*r.last);
  };
  auto first = eval("5");
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  ASSERT_EQ(first->type, Type::kArray);
  EXPECT_EQ(first->elements.at(0).integer, 5);
  ASSERT_EQ(first->elements.at(1).type, Type::kArray);
  EXPECT_EQ(first->elements.at(1).elements.at(0).str, "slots:3201");
  EXPECT_EQ(first->elements.at(1).elements.at(1).str, "tag");
  EXPECT_EQ(exists(), 1);  // EVAL loaded it

  EXPECT_EQ(eval("2")->elements.at(0).integer, 7);  // plain EVALSHA
  ASSERT_EQ(call(*c, {"SCRIPT", "FLUSH"})->str, "OK");
  EXPECT_EQ(exists(), 0);
  EXPECT_EQ(eval("3")->elements.at(0).integer, 10);  // NOSCRIPT again → EVAL
  EXPECT_EQ(exists(), 1);
}

// An empty callback is fire-and-forget (it used to throw std::bad_function_call on the reply).
TEST_F(RedisClientTest, EmptyCallbacksAreFireAndForget) {
  auto c = readyClient(options());
  c->command({"SET", "fire", "1"}, {});
  c->eval(Script("return redis.call('INCR', KEYS[1])"), {"fire"}, {}, {});
  c->eval(Script("return redis.call('INCR', KEYS[1])"), {"fire"}, {}, {});
  // The NOSCRIPT fallbacks are sent when their replies arrive: poll until both ran.
  std::string value;
  for (int i = 0; i < 200 && value != "3"; ++i) {
    auto got = call(*c, {"GET", "fire"});
    ASSERT_TRUE(got.isOk());
    value = got->str;
  }
  EXPECT_EQ(value, "3");
}

TEST_F(RedisClientTest, ScriptErrorsArriveAsErrorReplies) {
  auto c = readyClient(options());
  Result r;
  c->eval(Script("return redis.call('NOSUCH')"), {}, {}, r.callback());
  ASSERT_TRUE(runUntil(d_, [&] { return r.done(); }));
  ASSERT_TRUE(r.last->isOk());
  EXPECT_EQ((*r.last)->type, Type::kError);
}

TEST_F(RedisClientTest, MetricsCountOutcomesOnTheWorkerShard) {
  observability::Registry registry(2);
  auto c = readyClient(options(), &registry, 1);
  ASSERT_TRUE(call(*c, {"SET", "k", "v"}).isOk());
  ASSERT_TRUE(call(*c, {"GET", "k"}).isOk());
  ASSERT_TRUE(call(*c, {"NOSUCHCOMMAND"}).isOk());
  c->stop();
  EXPECT_EQ(call(*c, {"GET", "k"}).status().code(), StatusCode::kUpstreamUnavailable);

  const auto commands =
      registry.addCounter("metrogw_redis_commands_total", "Redis commands by outcome.", {"result"});
  EXPECT_EQ(registry.counter(commands, 1, {"ok"}).value.load(), 2U);
  EXPECT_EQ(registry.counter(commands, 1, {"error"}).value.load(), 1U);
  EXPECT_EQ(registry.counter(commands, 1, {"unavailable"}).value.load(), 1U);
  EXPECT_EQ(registry.counter(commands, 0, {"ok"}).value.load(), 0U);
  const std::string text = registry.renderText();
  EXPECT_NE(text.find("metrogw_redis_command_seconds_count 3"), std::string::npos) << text;
  EXPECT_NE(text.find("metrogw_redis_connected 0"), std::string::npos) << text;
}

TEST_F(RedisClientTest, ConnectedGaugeCountsReadyWorkers) {
  observability::Registry registry(2);
  auto a = readyClient(options(), &registry, 0);
  auto b = readyClient(options(), &registry, 1);
  EXPECT_NE(registry.renderText().find("metrogw_redis_connected 2"), std::string::npos);
  b.reset();
  EXPECT_NE(registry.renderText().find("metrogw_redis_connected 1"), std::string::npos);
}

}  // namespace
}  // namespace metrogw::redis::test
