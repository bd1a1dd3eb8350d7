// Hot-path cost of sharded cells against prometheus-cpp's own Counter/Histogram, in the same run.
//
// The threaded variants are the point: sharded cells give each thread its own cache line, while a
// single prometheus-cpp metric is one line that every thread fights over.
#include <benchmark/benchmark.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>

#include "observability/metrics.h"

namespace metrogw::observability {
namespace {

constexpr uint32_t kShards = 8;

// Latencies spread over every bucket, cycled so the branch predictor cannot learn one bucket.
const std::array<double, 16>& sampleValues() {
  static const std::array<double, 16> kValues = {0.0003, 0.0008, 0.002, 0.004, 0.008, 0.02, 0.04, 0.08,
                                                 0.2,    0.4,    0.8,   2,     4,     8,    20,   45};
  return kValues;
}

struct Fixture {
  Fixture() {
    const FamilyId c = registry.addCounter("metrogw_bench_total", "Bench.", {"route"});
    const FamilyId h = registry.addHistogram("metrogw_bench_seconds", "Bench.", {"route"}, latencyBuckets());
    for (uint32_t s = 0; s < kShards; ++s) {
      counters[s] = &registry.counter(c, s, {"a"});
      histograms[s] = &registry.histogram(h, s, {"a"});
    }
    prom_counter =
        &prometheus::BuildCounter().Name("bench_prom_total").Help("B.").Register(*prom).Add({{"route", "a"}});
    prom_histogram = &prometheus::BuildHistogram()
                          .Name("bench_prom_seconds")
                          .Help("B.")
                          .Register(*prom)
                          .Add({{"route", "a"}}, prometheus::Histogram::BucketBoundaries(latencyBuckets()));
  }
  Registry registry{kShards};
  std::array<CounterCell*, kShards> counters{};
  std::array<HistogramCell*, kShards> histograms{};
  std::shared_ptr<prometheus::Registry> prom = std::make_shared<prometheus::Registry>();
  prometheus::Counter* prom_counter = nullptr;
  prometheus::Histogram* prom_histogram = nullptr;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_CounterCellInc(benchmark::State& state) {
  CounterCell& cell = *fixture().counters[static_cast<uint32_t>(state.thread_index()) % kShards];
  for (auto _ : state) cell.inc();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CounterCellInc)->Threads(1)->Threads(2)->UseRealTime();

void BM_PrometheusCounterIncrement(benchmark::State& state) {
  prometheus::Counter& counter = *fixture().prom_counter;
  for (auto _ : state) counter.Increment();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrometheusCounterIncrement)->Threads(1)->Threads(2)->UseRealTime();

void BM_HistogramCellObserve(benchmark::State& state) {
  HistogramCell& cell = *fixture().histograms[static_cast<uint32_t>(state.thread_index()) % kShards];
  const auto& values = sampleValues();
  size_t i = 0;
  for (auto _ : state) cell.observe(values[i++ & 15]);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramCellObserve)->Threads(1)->Threads(2)->UseRealTime();

void BM_PrometheusHistogramObserve(benchmark::State& state) {
  prometheus::Histogram& histogram = *fixture().prom_histogram;
  const auto& values = sampleValues();
  size_t i = 0;
  for (auto _ : state) histogram.Observe(values[i++ & 15]);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrometheusHistogramObserve)->Threads(1)->Threads(2)->UseRealTime();

// What a scrape costs with a realistic number of series (not on the hot path, for scale).
void BM_RenderText(benchmark::State& state) {
  Registry r(kShards);
  const FamilyId c = r.addCounter("metrogw_bench_requests_total", "B.", {"route", "code"});
  const FamilyId h = r.addHistogram("metrogw_bench_duration_seconds", "B.", {"route"}, latencyBuckets());
  for (int route = 0; route < 50; ++route) {
    for (uint32_t s = 0; s < kShards; ++s) {
      r.counter(c, s, {"route" + std::to_string(route), "200"}).inc();
      r.histogram(h, s, {"route" + std::to_string(route)}).observe(0.01);
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(r.renderText());
}
BENCHMARK(BM_RenderText)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace metrogw::observability

BENCHMARK_MAIN();
