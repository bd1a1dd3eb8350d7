// The `booking:` section: pool timings, default rules and per-hospital overrides.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "tests/config/test_util.h"

namespace metrogw::config {
namespace {

using ::testing::HasSubstr;
using testing::loadErrors;
using testing::loadOk;

constexpr const char* kBase = R"(listeners: [{ name: main, port: 0 }]
federation:
  city: "3201"
  platform: { dialect: fhir-r4, cluster: p }
clusters: [{ name: p, hosts: ["127.0.0.1:7001"] }]
redis: {}
)";

std::string with(const std::string& more) { return std::string(kBase) + more; }

TEST(BookingConfigTest, Defaults) {
  auto cfg = loadOk(with("booking: {}\n"));
  ASSERT_NE(cfg, nullptr);
  ASSERT_TRUE(cfg->booking.has_value());
  const Booking& b = *cfg->booking;
  EXPECT_EQ(b.hold_ttl, std::chrono::minutes(5));
  EXPECT_EQ(b.idempotency_ttl, std::chrono::hours(24));
  EXPECT_EQ(b.sync_days, 14U);
  EXPECT_EQ(b.defaults.reserved_share_percent, 30U);
  EXPECT_EQ(b.defaults.family_window_days, 14U);
  EXPECT_EQ(b.defaults.public_window_days, 7U);
  EXPECT_TRUE(b.defaults.reserved_opens_at_public);
  EXPECT_EQ(b.defaults.per_patient_per_day, 3U);
  EXPECT_EQ(b.defaults.per_doctor_per_day, 1U);
  EXPECT_EQ(b.defaults.noshow_limit, 3U);
  EXPECT_EQ(b.defaults.suspension_days, 90U);
  EXPECT_EQ(b.defaults.cancel_cutoff, std::chrono::minutes(120));
  EXPECT_TRUE(b.hospitals.empty());
}

TEST(BookingConfigTest, EverySettingAndHospitalOverridesStartFromTheDefaults) {
  auto cfg = loadOk(with(R"(booking:
  hold_ttl_ms: 1000
  idempotency_ttl_ms: 2000
  sync_interval_ms: 3000
  sync_days: 21
  forward_timeout_ms: 900
  reserved_share_percent: 40
  public_window_days: 5
  cancel_cutoff_minutes: 60
  per_patient_per_day: 2
  hospitals:
    - { id: gulou, reserved_share_percent: 50, reserved_opens_at_public: false }
    - { id: small, per_doctor_per_day: 2 }
)"));
  ASSERT_NE(cfg, nullptr);
  const Booking& b = *cfg->booking;
  EXPECT_EQ(b.hold_ttl.count(), 1000);
  EXPECT_EQ(b.idempotency_ttl.count(), 2000);
  EXPECT_EQ(b.sync_interval.count(), 3000);
  EXPECT_EQ(b.sync_days, 21U);
  EXPECT_EQ(b.forward_timeout.count(), 900);
  EXPECT_EQ(b.defaults.reserved_share_percent, 40U);
  ASSERT_EQ(b.hospitals.size(), 2U);
  const BookingRules& gulou = b.rulesFor("gulou");
  EXPECT_EQ(gulou.reserved_share_percent, 50U);
  EXPECT_FALSE(gulou.reserved_opens_at_public);
  EXPECT_EQ(gulou.public_window_days, 5U);  // inherited
  EXPECT_EQ(gulou.cancel_cutoff, std::chrono::minutes(60));
  EXPECT_EQ(b.rulesFor("small").per_doctor_per_day, 2U);
  EXPECT_EQ(b.rulesFor("small").per_patient_per_day, 2U);
  EXPECT_EQ(&b.rulesFor("other"), &b.defaults);
}

TEST(BookingConfigTest, Errors) {
  auto errors = loadErrors(with("booking: { reserved_share_percent: 101, public_window_days: 20 }\n"));
  ASSERT_FALSE(errors.empty());
  EXPECT_THAT(errors[0], HasSubstr("reserved_share_percent"));
  EXPECT_THAT(errors.back(), HasSubstr("public_window_days must not exceed family_window_days"));
  auto twice = loadErrors(with("booking: { hospitals: [{ id: a }, { id: a }] }\n"));
  ASSERT_FALSE(twice.empty());
  EXPECT_THAT(twice[0], HasSubstr("listed twice"));
  auto unknown = loadErrors(with("booking: { hospitals: [{ id: a, colour: red }] }\n"));
  ASSERT_FALSE(unknown.empty());
  EXPECT_THAT(unknown[0], HasSubstr("colour"));
  auto no_redis = loadErrors(std::string(R"(listeners: [{ name: main, port: 0 }]
booking: {}
)"));
  ASSERT_FALSE(no_redis.empty());
  EXPECT_THAT(no_redis[0], HasSubstr("booking needs a redis section"));
}

}  // namespace
}  // namespace metrogw::config
