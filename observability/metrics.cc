// Sharded metric registry: family declarations, per-shard cell lookup, and the merge done on scrape.
#include "observability/metrics.h"

#include <prometheus/check_names.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <mutex>

#include "common/logging.h"

namespace metrogw::observability {
namespace {

constexpr double kMicrosPerUnit = 1e6;
// Largest single observation whose micro-units fit in a uint64 (about 1.8e13 seconds or bytes).
constexpr double kMaxObservation = 1.8e13;
// Extra bucket slots allocated after each histogram's counters, so two shards' arrays never share
// a 64-byte cache line however the allocator places them.
constexpr size_t kBucketPadSlots = 64 / sizeof(std::atomic<uint64_t>);

// Cells of one series sit next to each other, one per shard; padding each to its own cache line
// keeps workers on different shards from invalidating each other's lines.
struct alignas(64) PaddedCounter {
  CounterCell cell;
};
struct alignas(64) PaddedGauge {
  GaugeCell cell;
};
struct alignas(64) PaddedHistogram {
  explicit PaddedHistogram(const std::vector<double>* bounds) : cell(bounds) {}
  HistogramCell cell;
};

// One label-value combination of a family: one cell per shard (only the deque matching the
// family's type is filled). Deques never move their elements, so handed-out references stay valid.
struct Series {
  std::deque<PaddedCounter> counters;
  std::deque<PaddedGauge> gauges;
  std::deque<PaddedHistogram> histograms;
};

struct Family {
  std::string name;
  std::string help;
  prometheus::MetricType type;
  std::vector<std::string> labels;
  std::vector<double> bounds;  // histograms only; cells point at it, so never modified
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series;  // ordered: stable output
};

}  // namespace

HistogramCell::HistogramCell(const std::vector<double>* bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds->size() + 1 + kBucketPadSlots]()) {}

void HistogramCell::observe(double v) {
  if (!(v >= 0)) v = 0;  // negatives and NaN count as zero
  if (v > kMaxObservation) v = kMaxObservation;
  const auto it = std::lower_bound(bounds_->begin(), bounds_->end(), v);  // first bound >= v ("le")
  buckets_[static_cast<size_t>(it - bounds_->begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(v * kMicrosPerUnit)), std::memory_order_relaxed);
}

double HistogramCell::sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / kMicrosPerUnit;
}

const std::vector<double>& latencyBuckets() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                               0.25,   0.5,   1,      2.5,   5,    10,    30,   60};
  return kBuckets;
}

struct Registry::Impl {
  mutable std::mutex mutex;  // guards families, each family's series map, and the discard cells
  std::vector<std::unique_ptr<Family>> families;
  // Handed out on misuse (unknown family, wrong type or label count, bad shard) so a programming
  // error loses samples instead of corrupting memory; never exported.
  PaddedCounter discard_counter;
  PaddedGauge discard_gauge;
  PaddedHistogram discard_histogram{&latencyBuckets()};

  FamilyId add(const std::string& name, const std::string& help, prometheus::MetricType type,
               std::vector<std::string> labels, std::vector<double> bounds);
  Series* series(FamilyId id, prometheus::MetricType type, uint32_t shard, uint32_t shards,
                 const std::vector<std::string>& label_values);
};

namespace {

const char* typeName(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter: return "counter";
    case prometheus::MetricType::Gauge: return "gauge";
    case prometheus::MetricType::Histogram: return "histogram";
    default: return "other";
  }
}

bool validBounds(const std::vector<double>& bounds) {
  return std::is_sorted(bounds.begin(), bounds.end()) &&
         std::adjacent_find(bounds.begin(), bounds.end()) == bounds.end() &&
         std::all_of(bounds.begin(), bounds.end(),
                     [](double b) { return b < std::numeric_limits<double>::infinity(); });
}

std::unique_ptr<Series> makeSeries(const Family& family, uint32_t shards) {
  auto s = std::make_unique<Series>();
  for (uint32_t i = 0; i < shards; ++i) {
    switch (family.type) {
      case prometheus::MetricType::Counter: s->counters.emplace_back(); break;
      case prometheus::MetricType::Gauge: s->gauges.emplace_back(); break;
      default: s->histograms.emplace_back(&family.bounds); break;
    }
  }
  return s;
}

std::vector<prometheus::ClientMetric::Label> makeLabels(const Family& family,
                                                        const std::vector<std::string>& values) {
  std::vector<prometheus::ClientMetric::Label> out;
  out.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) out.push_back({family.labels[i], values[i]});
  return out;
}

void mergeHistogram(const Family& family, const Series& s, prometheus::ClientMetric& m) {
  std::vector<uint64_t> counts(family.bounds.size() + 1, 0);
  for (const auto& shard : s.histograms) {
    for (size_t i = 0; i < counts.size(); ++i) counts[i] += shard.cell.bucket(i);
    m.histogram.sample_sum += shard.cell.sum();
  }
  // Bucket and total counts are read separately and may disagree mid-scrape; deriving the total
  // from the buckets keeps the exposition self-consistent (+Inf bucket == _count).
  uint64_t cumulative = 0;
  m.histogram.bucket.reserve(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    const double bound =
        i < family.bounds.size() ? family.bounds[i] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back({cumulative, bound});
  }
  m.histogram.sample_count = cumulative;
}

prometheus::ClientMetric mergeSeries(const Family& family, const std::vector<std::string>& values,
                                     const Series& s) {
  prometheus::ClientMetric m;
  m.label = makeLabels(family, values);
  if (family.type == prometheus::MetricType::Counter) {
    uint64_t total = 0;
    for (const auto& shard : s.counters) total += shard.cell.value.load(std::memory_order_relaxed);
    m.counter.value = static_cast<double>(total);
  } else if (family.type == prometheus::MetricType::Gauge) {
    int64_t total = 0;
    for (const auto& shard : s.gauges) total += shard.cell.value.load(std::memory_order_relaxed);
    m.gauge.value = static_cast<double>(total);
  } else {
    mergeHistogram(family, s, m);
  }
  return m;
}

}  // namespace

FamilyId Registry::Impl::add(const std::string& name, const std::string& help, prometheus::MetricType type,
                             std::vector<std::string> labels, std::vector<double> bounds) {
  const std::lock_guard<std::mutex> lock(mutex);
  for (size_t i = 0; i < families.size(); ++i) {
    const Family& f = *families[i];
    if (f.name != name) continue;
    if (f.type != type || f.labels != labels || f.bounds != bounds) {
      log::error("metrics",
                 "metric family " + name + " redeclared differently; keeping the first declaration");
    }
    return static_cast<FamilyId>(i);
  }
  if (!prometheus::CheckMetricName(name)) log::error("metrics", "invalid metric name: " + name);
  if (!validBounds(bounds))
    log::error("metrics", "histogram " + name + ": bounds must be finite and increasing");
  auto f = std::make_unique<Family>();
  f->name = name;
  f->help = help;
  f->type = type;
  f->labels = std::move(labels);
  f->bounds = std::move(bounds);
  families.push_back(std::move(f));
  return static_cast<FamilyId>(families.size() - 1);
}

// Caller holds `mutex`. Returns nullptr (after logging) on misuse.
Series* Registry::Impl::series(FamilyId id, prometheus::MetricType type, uint32_t shard, uint32_t shards,
                               const std::vector<std::string>& label_values) {
  if (shard >= shards) {
    log::error("metrics", "shard " + std::to_string(shard) + " out of range");
    return nullptr;
  }
  if (id >= families.size() || families[id]->type != type) {
    log::error("metrics", std::string("unknown ") + typeName(type) + " family id " + std::to_string(id));
    return nullptr;
  }
  Family& f = *families[id];
  if (label_values.size() != f.labels.size()) {
    log::error("metrics", "wrong number of label values for " + f.name);
    return nullptr;
  }
  auto it = f.series.find(label_values);
  if (it == f.series.end()) it = f.series.emplace(label_values, makeSeries(f, shards)).first;
  return it->second.get();
}

Registry::Registry(uint32_t shards)
    : shards_(shards == 0 ? 1 : shards),
      impl_(std::make_unique<Impl>()),
      process_(std::make_shared<prometheus::Registry>()) {}

Registry::~Registry() = default;

FamilyId Registry::addCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> labels) {
  return impl_->add(name, help, prometheus::MetricType::Counter, std::move(labels), {});
}

FamilyId Registry::addGauge(const std::string& name, const std::string& help,
                            std::vector<std::string> labels) {
  return impl_->add(name, help, prometheus::MetricType::Gauge, std::move(labels), {});
}

FamilyId Registry::addHistogram(const std::string& name, const std::string& help,
                                std::vector<std::string> labels, std::vector<double> bounds) {
  return impl_->add(name, help, prometheus::MetricType::Histogram, std::move(labels), std::move(bounds));
}

CounterCell& Registry::counter(FamilyId family, uint32_t shard,
                               const std::vector<std::string>& label_values) {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  Series* s = impl_->series(family, prometheus::MetricType::Counter, shard, shards_, label_values);
  return s != nullptr ? s->counters[shard].cell : impl_->discard_counter.cell;
}

GaugeCell& Registry::gauge(FamilyId family, uint32_t shard, const std::vector<std::string>& label_values) {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  Series* s = impl_->series(family, prometheus::MetricType::Gauge, shard, shards_, label_values);
  return s != nullptr ? s->gauges[shard].cell : impl_->discard_gauge.cell;
}

HistogramCell& Registry::histogram(FamilyId family, uint32_t shard,
                                   const std::vector<std::string>& label_values) {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  Series* s = impl_->series(family, prometheus::MetricType::Histogram, shard, shards_, label_values);
  return s != nullptr ? s->histograms[shard].cell : impl_->discard_histogram.cell;
}

std::vector<prometheus::MetricFamily> Registry::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  {
    const std::lock_guard<std::mutex> lock(impl_->mutex);
    out.reserve(impl_->families.size());
    for (const auto& f : impl_->families) {
      prometheus::MetricFamily mf{f->name, f->help, f->type, {}};
      mf.metric.reserve(f->series.size());
      for (const auto& [values, s] : f->series) mf.metric.push_back(mergeSeries(*f, values, *s));
      out.push_back(std::move(mf));
    }
  }
  auto process = process_->Collect();
  out.insert(out.end(), std::make_move_iterator(process.begin()), std::make_move_iterator(process.end()));
  return out;
}

std::string Registry::renderText() const { return prometheus::TextSerializer().Serialize(Collect()); }

}  // namespace metrogw::observability
