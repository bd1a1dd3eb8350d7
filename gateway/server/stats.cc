// Metric declarations and per-worker cell lookup.
#include "gateway/server/stats.h"

namespace metrogw::gateway {
namespace {
constexpr std::array<const char*, 5> kCodeClasses = {"1xx", "2xx", "3xx", "4xx", "5xx"};
constexpr std::array<const char*, 5> kProtocolErrors = {"malformed", "header_too_large", "body_too_large",
                                                        "timeout", "too_many_connections"};
constexpr std::array<const char*, 5> kUpstreamErrors = {"connect", "timeout", "reset", "malformed", "tls"};
}  // namespace

const char* codeClassName(size_t index) { return kCodeClasses.at(index); }

GatewayStats::GatewayStats(obs::Registry& r)
    : registry(r),
      requests(r.addCounter("metrogw_http_requests_total",
                            "Requests answered, by listener, route and status class.",
                            {"listener", "route", "code_class"})),
      request_duration(r.addHistogram("metrogw_http_request_duration_seconds",
                                      "Time from request headers to last response byte.",
                                      {"route", "code_class"}, obs::latencyBuckets())),
      active_connections(
          r.addGauge("metrogw_http_active_connections", "Open client connections.", {"listener"})),
      connections_total(
          r.addCounter("metrogw_http_connections_total", "Accepted client connections.", {"listener"})),
      tls_failures(r.addCounter("metrogw_tls_handshake_failures_total", "Failed TLS handshakes with clients.",
                                {"listener"})),
      protocol_errors(r.addCounter("metrogw_http_protocol_errors_total",
                                   "Requests refused for protocol reasons (malformed, limits, timeouts).",
                                   {"listener", "type"})),
      upstream_requests(r.addCounter("metrogw_upstream_requests_total", "Upstream responses by status class.",
                                     {"cluster", "code_class"})),
      upstream_duration(r.addHistogram("metrogw_upstream_request_duration_seconds",
                                       "Upstream request time, request sent to response complete.",
                                       {"cluster"}, obs::latencyBuckets())),
      upstream_errors(
          r.addCounter("metrogw_upstream_errors_total", "Upstream failures by kind.", {"cluster", "kind"})),
      upstream_retries(
          r.addCounter("metrogw_upstream_retries_total", "Retried upstream requests.", {"cluster"})),
      upstream_ejections(r.addCounter("metrogw_upstream_ejections_total",
                                      "Hosts ejected after consecutive 5xx answers.", {"cluster"})),
      circuit_open(r.addGauge(
          "metrogw_upstream_circuit_open",
          "Workers whose circuit breaker for the cluster is open (0 = closed everywhere).", {"cluster"})),
      circuit_rejections(r.addCounter("metrogw_upstream_circuit_rejections_total",
                                      "Requests refused at once because the circuit breaker was open.",
                                      {"cluster"})),
      upstream_cx_active(
          r.addGauge("metrogw_upstream_active_connections", "Open upstream connections.", {"cluster"})) {}

ListenerCells::ListenerCells(GatewayStats& s, uint32_t shard, const std::string& listener)
    : active(s.registry.gauge(s.active_connections, shard, {listener})),
      total(s.registry.counter(s.connections_total, shard, {listener})),
      tls_failures(s.registry.counter(s.tls_failures, shard, {listener})) {
  for (size_t i = 0; i < kProtocolErrors.size(); ++i) {
    protocol_errors[i] = &s.registry.counter(s.protocol_errors, shard, {listener, kProtocolErrors[i]});
  }
}

RouteCells::RouteCells(GatewayStats& s, uint32_t shard, const std::string& listener,
                       const std::string& route) {
  for (size_t i = 0; i < kCodeClasses.size(); ++i) {
    requests[i] = &s.registry.counter(s.requests, shard, {listener, route, kCodeClasses[i]});
    duration[i] = &s.registry.histogram(s.request_duration, shard, {route, kCodeClasses[i]});
  }
}

ClusterCells::ClusterCells(GatewayStats& s, uint32_t shard, const std::string& cluster)
    : duration(s.registry.histogram(s.upstream_duration, shard, {cluster})),
      retries(s.registry.counter(s.upstream_retries, shard, {cluster})),
      ejections(s.registry.counter(s.upstream_ejections, shard, {cluster})),
      circuit_open(s.registry.gauge(s.circuit_open, shard, {cluster})),
      circuit_rejections(s.registry.counter(s.circuit_rejections, shard, {cluster})),
      cx_active(s.registry.gauge(s.upstream_cx_active, shard, {cluster})) {
  for (size_t i = 0; i < kCodeClasses.size(); ++i) {
    requests[i] = &s.registry.counter(s.upstream_requests, shard, {cluster, kCodeClasses[i]});
    errors[i] = &s.registry.counter(s.upstream_errors, shard, {cluster, kUpstreamErrors[i]});
  }
}

}  // namespace metrogw::gateway
