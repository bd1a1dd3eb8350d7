// The `consent:` and `audit:` sections.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/config/test_util.h"

namespace metrogw::config {
namespace {

using ::testing::HasSubstr;
using testing::kMinimal;
using testing::loadErrors;
using testing::loadOk;

std::string with(const std::string& more) { return std::string(kMinimal) + more; }

bool anyLine(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines) {
    if (l.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(ConsentConfig, Defaults) {
  auto cfg = loadOk(with("redis: {}\nconsent: {}\n"));
  ASSERT_NE(cfg, nullptr);
  ASSERT_TRUE(cfg->consent.has_value());
  EXPECT_FALSE(cfg->consent->break_glass);
  EXPECT_TRUE(cfg->consent->obligations.empty());
}

TEST(ConsentConfig, BreakGlassAndObligations) {
  auto cfg = loadOk(with(R"(redis: {}
consent:
  break_glass: true
  obligations:
    - { category: "*", purpose: referral, drop: [notes, patient.telecom] }
    - { category: lab-report, purpose: treatment, drop: [] }
)"));
  ASSERT_NE(cfg, nullptr);
  EXPECT_TRUE(cfg->consent->break_glass);
  ASSERT_EQ(cfg->consent->obligations.size(), 2u);
  EXPECT_EQ(cfg->consent->obligations[0].category, "*");
  EXPECT_EQ(cfg->consent->obligations[0].purpose, "referral");
  EXPECT_EQ(cfg->consent->obligations[0].drop, (std::vector<std::string>{"notes", "patient.telecom"}));
  EXPECT_TRUE(cfg->consent->obligations[1].drop.empty());
}

TEST(ConsentConfig, Errors) {
  const auto lines = loadErrors(with(R"(consent:
  obligations:
    - { category: x-ray, purpose: research, drop: [""] }
    - { category: lab-report }
)"));
  EXPECT_TRUE(anyLine(lines, "consent needs a redis section"));
  EXPECT_TRUE(anyLine(lines, "unknown category 'x-ray'"));
  EXPECT_TRUE(anyLine(lines, "unknown purpose 'research'"));
  EXPECT_TRUE(anyLine(lines, "empty field name"));
  EXPECT_TRUE(anyLine(lines, "missing required key"));
}

TEST(AuditConfig, Defaults) {
  auto cfg = loadOk(with("audit: { directory: /var/lib/metrogw/audit }\n"));
  ASSERT_NE(cfg, nullptr);
  const Audit& a = *cfg->audit;
  EXPECT_EQ(a.directory, "/var/lib/metrogw/audit");
  EXPECT_EQ(a.hash, "sm3");
  EXPECT_EQ(a.fsync_interval.count(), 1'000);
  EXPECT_EQ(a.fsync_every, 256u);
  EXPECT_EQ(a.max_file_bytes, 64u * 1024 * 1024);
  EXPECT_TRUE(a.rotate_daily);
  EXPECT_EQ(a.retention_days, 180u);
  EXPECT_TRUE(a.ship);  // used only when a redis section exists
}

TEST(AuditConfig, AllKeys) {
  auto cfg = loadOk(with(R"(redis: {}
audit:
  directory: /a
  hash: sha256
  fsync_interval_ms: 200
  fsync_every: 32
  max_file_bytes: 1048576
  rotate_daily: false
  retention_days: 365
  ship: true
  stream_maxlen: 50000
  ship_interval_ms: 100
)"));
  ASSERT_NE(cfg, nullptr);
  const Audit& a = *cfg->audit;
  EXPECT_EQ(a.hash, "sha256");
  EXPECT_EQ(a.fsync_interval.count(), 200);
  EXPECT_EQ(a.fsync_every, 32u);
  EXPECT_EQ(a.max_file_bytes, 1'048'576u);
  EXPECT_FALSE(a.rotate_daily);
  EXPECT_EQ(a.retention_days, 365u);
  EXPECT_EQ(a.stream_maxlen, 50'000u);
  EXPECT_EQ(a.ship_interval.count(), 100);
}

TEST(AuditConfig, Errors) {
  const auto lines = loadErrors(with(R"(audit:
  hash: md5
  retention_days: 30
  fsync_every: 0
  ship: true
  colour: blue
)"));
  EXPECT_TRUE(anyLine(lines, "missing required key"));
  EXPECT_TRUE(anyLine(lines, "hash must be sm3 or sha256"));
  EXPECT_TRUE(anyLine(lines, "retention_days"));
  EXPECT_TRUE(anyLine(lines, "fsync_every"));
  EXPECT_TRUE(anyLine(lines, "ship needs a redis section"));
  EXPECT_TRUE(anyLine(lines, "colour"));
}

}  // namespace
}  // namespace metrogw::config
