// Sharded metrics: each worker thread writes its own shard with relaxed atomics (no locks, no
// contention on the hot path); a scrape merges the shards into prometheus-cpp MetricFamilies.
//
// Usage: declare families once at start-up, look up cells once (per worker, per label set) and
// keep the references: cells are never moved or freed while the Registry lives. Looking up a cell
// takes a mutex and may allocate; incrementing one does neither. Scrape from any thread.
//
// Merging: counters and histograms are summed over shards; gauges too, so a gauge cell holds one
// worker's share (e.g. its open connections) and set() on one shard does not touch the others.
// Histogram observations are clamped to [0, 1.8e13]; NaN counts as 0.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/registry.h>

namespace metrogw::observability {

struct CounterCell {
  std::atomic<uint64_t> value{0};
  void inc(uint64_t n = 1) { value.fetch_add(n, std::memory_order_relaxed); }
};

struct GaugeCell {
  std::atomic<int64_t> value{0};
  void add(int64_t n) { value.fetch_add(n, std::memory_order_relaxed); }
  void set(int64_t n) { value.store(n, std::memory_order_relaxed); }
};

class HistogramCell {
 public:
  explicit HistogramCell(const std::vector<double>* bounds);
  void observe(double v);  // lock-free
  [[nodiscard]] const std::vector<double>& bounds() const { return *bounds_; }
  // Non-cumulative count for bucket i (i == bounds().size() is +Inf).
  [[nodiscard]] uint64_t bucket(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  [[nodiscard]] double sum() const;

 private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};  // sum kept in millionths to stay lock-free
};

using FamilyId = uint32_t;

// Default latency buckets in seconds (0.5 ms .. 60 s).
[[nodiscard]] const std::vector<double>& latencyBuckets();

class Registry : public prometheus::Collectable {
 public:
  explicit Registry(uint32_t shards);
  ~Registry() override;

  [[nodiscard]] uint32_t shards() const { return shards_; }

  // Declaring the same name twice returns the first id (declarations must then agree).
  FamilyId addCounter(const std::string& name, const std::string& help, std::vector<std::string> labels);
  FamilyId addGauge(const std::string& name, const std::string& help, std::vector<std::string> labels);
  FamilyId addHistogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                        std::vector<double> bounds);

  // Stable references; label_values must match the family's label count. shard < shards().
  // Misuse (unknown id, wrong type or label count, shard out of range) logs an error and returns
  // a cell that is never exported, rather than crashing.
  CounterCell& counter(FamilyId family, uint32_t shard, const std::vector<std::string>& label_values);
  GaugeCell& gauge(FamilyId family, uint32_t shard, const std::vector<std::string>& label_values);
  HistogramCell& histogram(FamilyId family, uint32_t shard, const std::vector<std::string>& label_values);

  // Merged view of every shard plus the process-wide prometheus-cpp registry below.
  [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;

  // For rare, process-wide metrics (config reloads, build info); prometheus-cpp's own registry.
  [[nodiscard]] prometheus::Registry& process() { return *process_; }

  // Prometheus text exposition format 0.0.4 of Collect().
  [[nodiscard]] std::string renderText() const;

 private:
  struct Impl;
  uint32_t shards_;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<prometheus::Registry> process_;
};

}  // namespace metrogw::observability
