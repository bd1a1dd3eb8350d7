// Tests for the sharded metric Registry: merging across shards, text exposition, stability, threads.
#include "observability/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/counter.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

namespace metrogw::observability {
namespace {

using ::testing::HasSubstr;

const prometheus::MetricFamily* findFamily(const std::vector<prometheus::MetricFamily>& families,
                                           const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const prometheus::ClientMetric* findMetric(const prometheus::MetricFamily& family,
                                           const std::string& label_value) {
  for (const auto& m : family.metric) {
    if (!m.label.empty() && m.label[0].value == label_value) return &m;
  }
  return nullptr;
}

TEST(RegistryTest, CountersSumAcrossShards) {
  Registry r(3);
  const FamilyId f = r.addCounter("metrogw_x_total", "Things.", {"route"});
  r.counter(f, 0, {"a"}).inc(2);
  r.counter(f, 1, {"a"}).inc(3);
  r.counter(f, 2, {"b"}).inc();

  const auto families = r.Collect();
  const auto* family = findFamily(families, "metrogw_x_total");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(family->help, "Things.");
  EXPECT_EQ(family->type, prometheus::MetricType::Counter);
  ASSERT_EQ(family->metric.size(), 2u);
  ASSERT_NE(findMetric(*family, "a"), nullptr);
  EXPECT_EQ(findMetric(*family, "a")->counter.value, 5);
  EXPECT_EQ(findMetric(*family, "a")->label[0].name, "route");
  EXPECT_EQ(findMetric(*family, "b")->counter.value, 1);

  const std::string text = r.renderText();
  EXPECT_THAT(text, HasSubstr("# HELP metrogw_x_total Things.\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE metrogw_x_total counter\n"));
  EXPECT_THAT(text, HasSubstr("\nmetrogw_x_total{route=\"a\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("\nmetrogw_x_total{route=\"b\"} 1\n"));
}

TEST(RegistryTest, UnlabelledCounterAndGaugeSumAcrossShards) {
  Registry r(2);
  const FamilyId c = r.addCounter("metrogw_y_total", "Ys.", {});
  const FamilyId g = r.addGauge("metrogw_open_connections", "Open.", {"listener"});
  r.counter(c, 0, {}).inc(4);
  r.counter(c, 1, {}).inc(3);
  r.gauge(g, 0, {"public"}).set(4);
  r.gauge(g, 1, {"public"}).add(-1);

  const std::string text = r.renderText();
  EXPECT_THAT(text, HasSubstr("\nmetrogw_y_total 7\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE metrogw_open_connections gauge\n"));
  EXPECT_THAT(text, HasSubstr("\nmetrogw_open_connections{listener=\"public\"} 3\n"));
}

TEST(RegistryTest, HistogramsMergeCumulativeBuckets) {
  Registry r(2);
  const FamilyId h = r.addHistogram("metrogw_h_seconds", "Latency.", {"route"}, {0.1, 1});
  r.histogram(h, 0, {"a"}).observe(0.05);
  r.histogram(h, 0, {"a"}).observe(0.1);  // bounds are inclusive ("le")
  r.histogram(h, 1, {"a"}).observe(0.5);
  r.histogram(h, 1, {"a"}).observe(5);
  r.histogram(h, 1, {"a"}).observe(-3);  // clamped to 0

  const auto families = r.Collect();
  const auto* family = findFamily(families, "metrogw_h_seconds");
  ASSERT_NE(family, nullptr);
  ASSERT_EQ(family->metric.size(), 1u);
  const auto& hist = family->metric[0].histogram;
  EXPECT_EQ(hist.sample_count, 5u);
  EXPECT_DOUBLE_EQ(hist.sample_sum, 5.65);
  ASSERT_EQ(hist.bucket.size(), 3u);
  EXPECT_EQ(hist.bucket[0].cumulative_count, 3u);
  EXPECT_EQ(hist.bucket[0].upper_bound, 0.1);
  EXPECT_EQ(hist.bucket[1].cumulative_count, 4u);
  EXPECT_EQ(hist.bucket[2].cumulative_count, 5u);
  EXPECT_EQ(hist.bucket[2].upper_bound, std::numeric_limits<double>::infinity());

  const std::string text = r.renderText();
  EXPECT_THAT(text, HasSubstr("# TYPE metrogw_h_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("\nmetrogw_h_seconds_bucket{route=\"a\",le=\"0.1\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("\nmetrogw_h_seconds_bucket{route=\"a\",le=\"1\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("\nmetrogw_h_seconds_bucket{route=\"a\",le=\"+Inf\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("\nmetrogw_h_seconds_count{route=\"a\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("\nmetrogw_h_seconds_sum{route=\"a\"} 5.65\n"));
}

TEST(HistogramCellTest, BucketsAndSum) {
  const std::vector<double> bounds = latencyBuckets();
  HistogramCell cell(&bounds);
  cell.observe(0.0005);
  cell.observe(0.0006);
  cell.observe(1000);
  cell.observe(std::nan(""));
  EXPECT_EQ(cell.count(), 4u);
  EXPECT_EQ(cell.bucket(0), 2u);  // 0.0005 (inclusive) and NaN as 0
  EXPECT_EQ(cell.bucket(1), 1u);
  EXPECT_EQ(cell.bucket(bounds.size()), 1u);
  EXPECT_NEAR(cell.sum(), 1000.0011, 1e-9);
}

TEST(RegistryTest, LatencyBucketsAreTheDocumentedOnes) {
  EXPECT_EQ(latencyBuckets(), (std::vector<double>{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                   0.5, 1, 2.5, 5, 10, 30, 60}));
}

TEST(RegistryTest, DeclaringTwiceReturnsTheSameId) {
  Registry r(1);
  const FamilyId a = r.addCounter("metrogw_a_total", "A.", {"x"});
  const FamilyId b = r.addHistogram("metrogw_b_seconds", "B.", {}, latencyBuckets());
  EXPECT_NE(a, b);
  EXPECT_EQ(r.addCounter("metrogw_a_total", "A.", {"x"}), a);
  EXPECT_EQ(r.addHistogram("metrogw_b_seconds", "B.", {}, latencyBuckets()), b);
  EXPECT_EQ(r.Collect().size(), 2u);
}

TEST(RegistryTest, LabelValuesAreEscapedInText) {
  Registry r(1);
  const FamilyId f = r.addCounter("metrogw_esc_total", "Escapes.", {"v"});
  r.counter(f, 0, {"a\"b\\c\nd"}).inc();
  EXPECT_THAT(r.renderText(), HasSubstr(R"(metrogw_esc_total{v="a\"b\\c\nd"} 1)"));
}

TEST(RegistryTest, ReferencesStayValidAcrossManyInsertions) {
  Registry r(4);
  const FamilyId f = r.addCounter("metrogw_stable_total", "Stable.", {"k"});
  CounterCell& first = r.counter(f, 3, {"first"});
  HistogramCell& hist = r.histogram(r.addHistogram("metrogw_stable_seconds", "S.", {}, {1}), 2, {});
  for (int i = 0; i < 5000; ++i) {
    r.counter(f, static_cast<uint32_t>(i % 4), {std::to_string(i)}).inc();
    r.addGauge("metrogw_filler_" + std::to_string(i % 50), "Filler.", {});
  }
  EXPECT_EQ(&r.counter(f, 3, {"first"}), &first);
  first.inc(11);
  hist.observe(0.5);
  const auto families = r.Collect();
  EXPECT_EQ(findMetric(*findFamily(families, "metrogw_stable_total"), "first")->counter.value, 11);
  EXPECT_EQ(findFamily(families, "metrogw_stable_seconds")->metric[0].histogram.sample_count, 1u);
}

TEST(RegistryTest, MisuseReturnsAnUnexportedCell) {
  Registry r(2);
  const FamilyId f = r.addCounter("metrogw_misuse_total", "Misuse.", {"a", "b"});
  r.counter(f, 0, {"only-one"}).inc();
  r.counter(f, 2, {"x", "y"}).inc();  // shard out of range
  r.counter(f + 7, 0, {}).inc();
  r.gauge(f, 0, {"x", "y"}).set(3);  // wrong type
  const auto families = r.Collect();
  EXPECT_TRUE(findFamily(families, "metrogw_misuse_total")->metric.empty());
}

TEST(RegistryTest, ProcessRegistryIsAppended) {
  Registry r(1);
  r.addCounter("metrogw_sharded_total", "Sharded.", {});
  prometheus::BuildCounter()
      .Name("metrogw_config_reloads_total")
      .Help("Reloads.")
      .Register(r.process())
      .Add({})
      .Increment(2);
  const auto families = r.Collect();
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[1].name, "metrogw_config_reloads_total");
  EXPECT_THAT(r.renderText(), HasSubstr("\nmetrogw_config_reloads_total 2\n"));
}

TEST(RegistryTest, ConcurrentShardWritersWithScraper) {
  constexpr uint64_t kIncrements = 200000;
  Registry r(2);
  const FamilyId c = r.addCounter("metrogw_conc_total", "Concurrent.", {"route"});
  const FamilyId h = r.addHistogram("metrogw_conc_seconds", "Concurrent.", {}, latencyBuckets());
  std::atomic<bool> done{false};
  std::atomic<int> scrapes{0};
  std::thread scraper([&] {
    double last = 0;
    while (!done.load()) {
      const auto families = r.Collect();
      const auto* f = findFamily(families, "metrogw_conc_total");
      if (const auto* m = f->metric.empty() ? nullptr : findMetric(*f, "a")) {
        EXPECT_GE(m->counter.value, last);  // never goes backwards
        last = m->counter.value;
      }
      scrapes.fetch_add(1);
    }
  });
  auto writer = [&](uint32_t shard) {
    CounterCell& cell = r.counter(c, shard, {"a"});
    HistogramCell& hist = r.histogram(h, shard, {});
    for (uint64_t i = 0; i < kIncrements; ++i) {
      cell.inc();
      hist.observe(0.001);
    }
  };
  std::thread w0(writer, 0);
  std::thread w1(writer, 1);
  w0.join();
  w1.join();
  done.store(true);
  scraper.join();

  const auto families = r.Collect();
  EXPECT_EQ(findMetric(*findFamily(families, "metrogw_conc_total"), "a")->counter.value, 2.0 * kIncrements);
  const auto& hist = findFamily(families, "metrogw_conc_seconds")->metric[0].histogram;
  EXPECT_EQ(hist.sample_count, 2 * kIncrements);
  EXPECT_EQ(hist.bucket[1].cumulative_count, 2 * kIncrements);  // 0.001 is exactly the second bound
  EXPECT_NEAR(hist.sample_sum, 0.001 * 2 * kIncrements, 1e-6);
  EXPECT_GT(scrapes.load(), 0);
}

}  // namespace
}  // namespace metrogw::observability
