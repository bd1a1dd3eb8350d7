// The `partners:`, `redis:` and `identity:` sections, route scopes and listeners' anonymous scopes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "tests/config/test_util.h"

namespace metrogw::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::loadErrors;
using testing::loadOk;

// Lines 1-13; the section under test follows at line 14.
constexpr const char* kBase = R"(listeners:
  - name: main
    port: 0
    anonymous_scopes: [identity:resolve]
  - name: partners
    port: 0
routes:
  - { path: /v1/patients/, handler: healthz, scopes: [identity:resolve, identity:admin] }
  - { path: /v1/open, handler: healthz }
federation:
  city: "3201"
  platform: { dialect: fhir-r4, cluster: p }
clusters: [{ name: p, hosts: ["127.0.0.1:7001"] }]
)";

std::string with(const std::string& more) { return std::string(kBase) + more; }

TEST(IdentityConfigTest, Defaults) {
  auto cfg = loadOk(with("identity: { key_file: keys.txt }\nredis: {}\n"));
  ASSERT_NE(cfg, nullptr);
  ASSERT_TRUE(cfg->identity.has_value());
  EXPECT_EQ(cfg->identity->key_file, "keys.txt");
  EXPECT_TRUE(cfg->identity->reject_bad_check);
  EXPECT_EQ(cfg->identity->cache_ttl, std::chrono::hours(24));
  EXPECT_EQ(cfg->identity->negative_ttl, std::chrono::seconds(60));
  EXPECT_EQ(cfg->identity->local_cache_ttl.count(), 0);
  EXPECT_FALSE(cfg->identity->discovery_deadline.has_value());
  ASSERT_TRUE(cfg->redis.has_value());
  EXPECT_EQ(cfg->redis->address.host, "127.0.0.1");
  EXPECT_EQ(cfg->redis->address.port, 6379);
  EXPECT_EQ(cfg->redis->key_prefix, "mgw:");
}

TEST(IdentityConfigTest, EverySetting) {
  auto cfg = loadOk(with(R"(identity:
  key_file: k
  check_digit: flag
  cache_ttl_ms: 1000
  negative_ttl_ms: 50
  local_cache_ttl_ms: 0
  local_cache_entries: 9
  discovery_deadline_ms: 700
redis: { address: "127.0.0.1:6390", db: 2, command_timeout_ms: 80, key_prefix: "nj:" }
partners:
  - { name: wuhu-his, subject: "CN=his.wuhu,O=Wuhu", scopes: [identity:resolve] }
)"));
  ASSERT_NE(cfg, nullptr);
  EXPECT_FALSE(cfg->identity->reject_bad_check);
  EXPECT_EQ(cfg->identity->cache_ttl.count(), 1000);
  EXPECT_EQ(cfg->identity->local_cache_entries, 9U);
  EXPECT_EQ(cfg->identity->discovery_deadline->count(), 700);
  EXPECT_EQ(cfg->redis->address.port, 6390);
  EXPECT_EQ(cfg->redis->db, 2U);
  EXPECT_EQ(cfg->redis->key_prefix, "nj:");
  ASSERT_EQ(cfg->partners.size(), 1U);
  EXPECT_THAT(cfg->partners[0].scopes, ElementsAre("identity:resolve"));
}

TEST(IdentityConfigTest, ScopesDecideWhoMayCall) {
  auto cfg = loadOk(with(R"(partners:
  - { name: his, subject: "CN=his", scopes: [identity:admin] }
  - { name: lis, subject: "CN=lis", scopes: [labs:read] }
)"));
  ASSERT_NE(cfg, nullptr);
  const Route& guarded = cfg->routes[0];
  const Route& open = cfg->routes[1];
  const Listener& main = cfg->listeners[0];
  const Listener& partners = cfg->listeners[1];
  EXPECT_TRUE(cfg->callerMayUse(open, "", partners));
  EXPECT_TRUE(cfg->callerMayUse(guarded, "", main));       // anonymous scope on this listener
  EXPECT_FALSE(cfg->callerMayUse(guarded, "", partners));  // none there
  EXPECT_TRUE(cfg->callerMayUse(guarded, "CN=his", partners));
  EXPECT_FALSE(cfg->callerMayUse(guarded, "CN=lis", partners));   // wrong scope
  EXPECT_FALSE(cfg->callerMayUse(guarded, "CN=stranger", main));  // a certificate is not anonymous
}

TEST(IdentityConfigTest, Errors) {
  auto errors = loadErrors(with(R"(identity: { check_digit: maybe, local_cache_entries: 0 }
redis: { address: "nowhere", db: 99 }
partners:
  - { name: a, subject: "CN=a", scopes: [Bad Scope] }
  - { name: b, subject: "CN=a", scopes: [] }
)"));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("t.yaml:14: identity: missing required key 'key_file'")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("identity.check_digit: must be reject or flag")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("identity.local_cache_entries")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("redis.address: bad address 'nowhere'")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("redis.db")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("scope 'Bad Scope' must be")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("subject is already partner 'a'")));
}

// Redis Sentinel and replica acknowledgement: parsed, and bad entries named.
TEST(IdentityConfigTest, SentinelAndReplicaAcknowledgement) {
  auto cfg = loadOk(with(R"(identity: { key_file: keys.txt }
redis:
  sentinel: { master: pool, addresses: ["127.0.0.1:26379", "10.0.0.2:26380"] }
  command_timeout_ms: 1000
  wait_replicas: 1
  wait_timeout_ms: 800
)"));
  ASSERT_TRUE(cfg->redis.has_value());
  EXPECT_EQ(cfg->redis->sentinel_master, "pool");
  ASSERT_EQ(cfg->redis->sentinels.size(), 2U);
  EXPECT_EQ(cfg->redis->sentinels[1].host, "10.0.0.2");
  EXPECT_EQ(cfg->redis->sentinels[1].port, 26380);
  EXPECT_EQ(cfg->redis->wait_replicas, 1U);
  EXPECT_EQ(cfg->redis->wait_timeout.count(), 800);
  cfg = loadOk(
      with("identity: { key_file: keys.txt }\nredis: { address: \"127.0.0.1:6379\", wait_replicas: 1 }\n"));
  EXPECT_EQ(cfg->redis->wait_timeout.count(), 200);  // four fifths of the default command timeout (250 ms)

  auto errors = loadErrors(with(R"(identity: { key_file: keys.txt }
redis:
  sentinel: { addresses: ["somewhere"], extra: 1 }
  wait_replicas: 99
)"));
  EXPECT_THAT(loadErrors(with("identity: { key_file: keys.txt }\nredis: { address: \"127.0.0.1:6379\", "
                              "wait_replicas: 1, wait_timeout_ms: 250 }\n")),
              ::testing::Contains(
                  HasSubstr("redis.wait_timeout_ms must be shorter than command_timeout_ms (250 ms)")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("redis.sentinel: missing required key 'master'")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("bad sentinel address 'somewhere'")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("extra")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("redis.wait_replicas")));
}

TEST(IdentityConfigTest, IdentityNeedsFederation) {
  auto errors = loadErrors("listeners: [{ name: m, port: 0 }]\nidentity: { key_file: k }\n");
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("identity needs a federation section")));
}

}  // namespace
}  // namespace metrogw::config
