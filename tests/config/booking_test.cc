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

TEST(BookingConfigTest, DeliveryDefaultsMatchTheConsumersDefaults) {
  auto cfg = loadOk(with("booking: {}\n"));
  ASSERT_NE(cfg, nullptr);
  const BookingDelivery& d = cfg->booking->delivery;
  EXPECT_EQ(d.retry_initial.count(), 500);
  EXPECT_EQ(d.retry_max.count(), 30'000);
  EXPECT_EQ(d.max_attempts, 20U);
  EXPECT_EQ(d.claim_min_idle.count(), 5'000);
  EXPECT_EQ(d.claim_interval.count(), 1'000);
  EXPECT_EQ(d.poll_interval.count(), 100);
  EXPECT_EQ(d.batch, 32U);
  EXPECT_EQ(d.max_in_flight, 64U);
  EXPECT_EQ(d.max_held, 4096U);
  EXPECT_TRUE(d.webhook_cluster.empty());
  EXPECT_EQ(d.webhook_attempts, 3U);
  EXPECT_EQ(d.webhook_retry.count(), 1'000);
}

TEST(BookingConfigTest, DeliverySettings) {
  auto cfg = loadOk(R"(listeners: [{ name: main, port: 0 }]
federation:
  city: "3201"
  platform: { dialect: fhir-r4, cluster: p }
clusters: [{ name: p, hosts: ["127.0.0.1:7001"] }, { name: hooks, hosts: ["127.0.0.1:7002"] }]
redis: {}
booking:
  delivery:
    retry_initial_ms: 250
    retry_max_ms: 60000
    max_attempts: 5
    claim_min_idle_ms: 20000
    claim_interval_ms: 2000
    poll_interval_ms: 50
    batch: 10
    max_in_flight: 20
    max_held: 100
    webhook: { cluster: hooks, path: /partner/booking-failed, attempts: 5, retry_ms: 3000 }
)");
  ASSERT_NE(cfg, nullptr);
  const BookingDelivery& d = cfg->booking->delivery;
  EXPECT_EQ(d.retry_initial.count(), 250);
  EXPECT_EQ(d.retry_max.count(), 60'000);
  EXPECT_EQ(d.max_attempts, 5U);
  EXPECT_EQ(d.claim_min_idle.count(), 20'000);
  EXPECT_EQ(d.claim_interval.count(), 2'000);
  EXPECT_EQ(d.poll_interval.count(), 50);
  EXPECT_EQ(d.batch, 10U);
  EXPECT_EQ(d.max_in_flight, 20U);
  EXPECT_EQ(d.max_held, 100U);
  EXPECT_EQ(d.webhook_cluster, "hooks");
  EXPECT_EQ(d.webhook_path, "/partner/booking-failed");
  EXPECT_EQ(d.webhook_attempts, 5U);
  EXPECT_EQ(d.webhook_retry.count(), 3'000);
  auto no_path = loadOk(with("booking: { delivery: { webhook: { cluster: p } } }\n"));
  ASSERT_NE(no_path, nullptr);
  EXPECT_EQ(no_path->booking->delivery.webhook_path, "/");
}

TEST(BookingConfigTest, DeliveryErrorsNameFileLineAndKey) {
  // kBase is 6 lines: `booking:` is line 7, `delivery:` line 8, its keys from line 9.
  auto errors = loadErrors(with(R"(booking:
  delivery:
    retry_initial_ms: 5
    max_attempts: 0
    batch: 5000
    poll_interval_ms: 0
    colour: red
)"));
  ASSERT_EQ(errors.size(), 5U) << ::testing::PrintToString(errors);
  EXPECT_THAT(errors[0], HasSubstr("t.yaml:9: booking.delivery.retry_initial_ms"));
  EXPECT_THAT(errors[1], HasSubstr("t.yaml:10: booking.delivery.max_attempts"));
  EXPECT_THAT(errors[2], HasSubstr("t.yaml:11: booking.delivery.batch"));
  EXPECT_THAT(errors[3], HasSubstr("t.yaml:12: booking.delivery.poll_interval_ms"));
  EXPECT_THAT(errors[4], HasSubstr("t.yaml:13: booking.delivery.colour: unknown key"));

  auto order = loadErrors(with(R"(booking:
  delivery: { retry_initial_ms: 2000, retry_max_ms: 1000, max_in_flight: 100, max_held: 10 }
)"));
  ASSERT_EQ(order.size(), 2U) << ::testing::PrintToString(order);
  EXPECT_THAT(order[0], HasSubstr("retry_max_ms must not be below retry_initial_ms"));
  EXPECT_THAT(order[1], HasSubstr("max_held must not be below max_in_flight"));

  auto hook = loadErrors(with(R"(booking:
  delivery:
    webhook: { cluster: nowhere, path: no-slash, attempts: 50 }
)"));
  ASSERT_EQ(hook.size(), 3U) << ::testing::PrintToString(hook);
  EXPECT_THAT(hook[0], HasSubstr("t.yaml:9: booking.delivery.webhook.cluster: unknown cluster 'nowhere'"));
  EXPECT_THAT(hook[1], HasSubstr("booking.delivery.webhook.path: must start with '/'"));
  EXPECT_THAT(hook[2], HasSubstr("booking.delivery.webhook.attempts"));
  auto no_cluster = loadErrors(with("booking: { delivery: { webhook: { path: /x } } }\n"));
  ASSERT_FALSE(no_cluster.empty());
  EXPECT_THAT(no_cluster[0], HasSubstr("cluster"));
}

}  // namespace
}  // namespace metrogw::config
