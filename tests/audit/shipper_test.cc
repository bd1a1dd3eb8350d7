// The shipper copies records to <prefix>audit:events and loses nothing across a Redis outage.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <thread>

#include "observability/metrics.h"
#include "tests/audit/test_util.h"
#include "tests/redis/redis_server.h"

namespace metrogw::audit {
namespace {

using redis::test::RedisServer;

long long streamLength(uint16_t port, const std::string& key) {
  redisContext* ctx = redisConnect("127.0.0.1", port);
  long long n = -1;
  if (ctx != nullptr && ctx->err == 0) {
    auto* reply = static_cast<redisReply*>(redisCommand(ctx, "XLEN %s", key.c_str()));
    if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) n = reply->integer;
    if (reply != nullptr) freeReplyObject(reply);
  }
  if (ctx != nullptr) redisFree(ctx);
  return n;
}

bool waitForLength(uint16_t port, const std::string& key, long long want) {
  for (int i = 0; i < 200; ++i) {
    if (streamLength(port, key) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

TEST(AuditShipper, ShipsAndCatchesUpAfterAnOutage) {
  if (!RedisServer::available()) GTEST_SKIP() << "no redis-server";
  RedisServer server;
  ASSERT_TRUE(server.start());
  test::TempDir tmp;
  auto c = test::auditConfig(tmp.path());
  c.ship = true;
  c.ship_interval = std::chrono::milliseconds(20);
  config::Redis r;
  r.address = {"127.0.0.1", server.port()};
  r.key_prefix = "t:";
  r.connect_timeout = std::chrono::milliseconds(200);
  observability::Registry registry(1);
  auto log = Log::open(c, "nanjing", {.metrics = &registry, .redis = &r, .now_ms = {}});
  ASSERT_TRUE(log.isOk()) << log.status().toString();
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(log.value()->append(test::readEvent(i)).isOk());
  ASSERT_TRUE(waitForLength(server.port(), "t:audit:events", 10));

  server.stop();  // outage: appends still succeed (files are the source of truth)
  for (int i = 11; i <= 25; ++i) ASSERT_TRUE(log.value()->append(test::readEvent(i)).isOk());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_NE(registry.renderText().find("metrogw_audit_shipping_lag_records 15"), std::string::npos);
  ASSERT_TRUE(server.restart());  // no persistence: the stream starts empty; the checkpoint says 10
  ASSERT_TRUE(waitForLength(server.port(), "t:audit:events", 15));

  log = Log::open(c, "x");  // a second Log on the same directory is refused while one is open
  EXPECT_FALSE(log.isOk());
}

TEST(AuditShipper, ResumesFromTheCheckpointAfterRestart) {
  if (!RedisServer::available()) GTEST_SKIP() << "no redis-server";
  RedisServer server;
  ASSERT_TRUE(server.start());
  test::TempDir tmp;
  auto c = test::auditConfig(tmp.path());
  c.ship = true;
  c.ship_interval = std::chrono::milliseconds(20);
  c.max_file_bytes = 2'000;
  config::Redis r;
  r.address = {"127.0.0.1", server.port()};
  {
    auto log = Log::open(c, "nanjing", {.redis = &r, .now_ms = {}});
    for (int i = 1; i <= 12; ++i) ASSERT_TRUE(log.value()->append(test::readEvent(i)).isOk());
    ASSERT_TRUE(waitForLength(server.port(), "mgw:audit:events", 12));
  }
  {
    auto log = Log::open(c, "nanjing", {.redis = &r, .now_ms = {}});
    for (int i = 13; i <= 20; ++i) ASSERT_TRUE(log.value()->append(test::readEvent(i)).isOk());
    ASSERT_TRUE(waitForLength(server.port(), "mgw:audit:events", 20));  // nothing shipped twice
  }
  EXPECT_EQ(test::slurp(c.directory + "/ship.checkpoint"), "20\n");
}

}  // namespace
}  // namespace metrogw::audit
