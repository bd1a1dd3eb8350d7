// Prints a representative exposition (every metric kind, labels needing escapes) for promtool_check.sh.
#include <prometheus/counter.h>

#include <cstdio>

#include "observability/metrics.h"

int main() {
  using metrogw::observability::Registry;
  Registry registry(2);
  const auto requests =
      registry.addCounter("metrogw_dump_requests_total", "Requests answered.", {"route", "code"});
  registry.counter(requests, 0, {"patients", "200"}).inc(3);
  registry.counter(requests, 1, {"patients", "200"}).inc(4);
  registry.counter(requests, 1, {R"(we"ird\route)", "503"}).inc();

  const auto connections =
      registry.addGauge("metrogw_dump_open_connections", "Open downstream connections.", {"listener"});
  registry.gauge(connections, 0, {"public"}).set(5);
  registry.gauge(connections, 1, {"public"}).add(2);

  const auto latency =
      registry.addHistogram("metrogw_dump_request_duration_seconds", "Time to last response byte.", {"route"},
                            metrogw::observability::latencyBuckets());
  for (const double v : {0.0004, 0.003, 0.2, 7.0, 120.0})
    registry.histogram(latency, 0, {"patients"}).observe(v);
  registry.histogram(latency, 1, {"patients"}).observe(0.04);

  prometheus::BuildCounter()
      .Name("metrogw_config_reloads_total")
      .Help("Configuration reloads, successful or not.")
      .Register(registry.process())
      .Add({{"result", "ok"}})
      .Increment();

  const std::string text = registry.renderText();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
