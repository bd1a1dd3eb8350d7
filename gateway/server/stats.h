// The gateway's metrics, declared once (GatewayStats) and looked up per worker into cached cell
// references (ListenerCells, RouteCells, ClusterCells) so the request path only does relaxed adds.
#pragma once

#include <array>
#include <string>

#include "observability/metrics.h"

namespace metrogw::gateway {

namespace obs = observability;

// Index of the status class: 0 → 1xx … 4 → 5xx.
[[nodiscard]] inline size_t codeClassIndex(int status) {
  const int c = status / 100 - 1;
  return (c >= 0 && c <= 4) ? static_cast<size_t>(c) : 4;
}
[[nodiscard]] const char* codeClassName(size_t index);

struct GatewayStats {
  explicit GatewayStats(obs::Registry& registry);
  obs::Registry& registry;
  obs::FamilyId requests;            // {listener, route, code_class}
  obs::FamilyId request_duration;    // {route, code_class}
  obs::FamilyId active_connections;  // {listener}
  obs::FamilyId connections_total;   // {listener}
  obs::FamilyId tls_failures;        // {listener}
  obs::FamilyId protocol_errors;     // {listener, type}
  obs::FamilyId upstream_requests;   // {cluster, code_class}
  obs::FamilyId upstream_duration;   // {cluster}
  obs::FamilyId upstream_errors;     // {cluster, kind}
  obs::FamilyId upstream_retries;    // {cluster}
  obs::FamilyId upstream_ejections;  // {cluster}
  obs::FamilyId circuit_open;        // {cluster} workers whose breaker is open
  obs::FamilyId circuit_rejections;  // {cluster}
  obs::FamilyId upstream_cx_active;  // {cluster}
};

enum class ProtocolError { kMalformed, kHeaderTooLarge, kBodyTooLarge, kTimeout, kTooManyConnections };
enum class UpstreamErrorKind { kConnect, kTimeout, kReset, kMalformed, kTls };

struct ListenerCells {
  ListenerCells(GatewayStats& s, uint32_t shard, const std::string& listener);
  obs::GaugeCell& active;
  obs::CounterCell& total;
  obs::CounterCell& tls_failures;
  std::array<obs::CounterCell*, 5> protocol_errors{};
};

struct RouteCells {
  RouteCells(GatewayStats& s, uint32_t shard, const std::string& listener, const std::string& route);
  std::array<obs::CounterCell*, 5> requests{};
  std::array<obs::HistogramCell*, 5> duration{};
};

struct ClusterCells {
  ClusterCells(GatewayStats& s, uint32_t shard, const std::string& cluster);
  std::array<obs::CounterCell*, 5> requests{};
  obs::HistogramCell& duration;
  std::array<obs::CounterCell*, 5> errors{};
  obs::CounterCell& retries;
  obs::CounterCell& ejections;
  obs::GaugeCell& circuit_open;
  obs::CounterCell& circuit_rejections;
  obs::GaugeCell& cx_active;
};

}  // namespace metrogw::gateway
