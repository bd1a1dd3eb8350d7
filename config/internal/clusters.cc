// The `clusters:` section: upstream hosts, timeouts, retry/circuit-breaker/outlier policy, TLS.
#include <algorithm>

#include "config/internal/sections.h"
#include "config/internal/validate.h"

namespace metrogw::config::internal {
namespace {

void readClusterName(const MapReader& m, Cluster& out, const LoadContext& ctx) {
  if (!m.readNonEmptyString("name", out.name)) return;
  if (!isNodeName(out.name)) {
    ctx.reader.error(m.at("name"), "must match [A-Za-z0-9_.-]+, got '" + out.name + "'");
  }
  const auto& all = ctx.config.clusters;
  if (std::any_of(all.begin(), all.end(), [&](const Cluster& c) { return c.name == out.name; })) {
    ctx.reader.error(m.at("name"), "duplicate cluster name '" + out.name + "'");
  }
}

void readHosts(const MapReader& m, Cluster& out, const LoadContext& ctx) {
  const auto node = m.get("hosts");
  if (node && node->IsSequence() && node->size() == 0) {
    ctx.reader.error(m.at("hosts"), "at least one host is required");
  }
  for (const auto& [text, at] : m.readStringList("hosts")) {
    auto host = parseHostPort(text);
    if (!host.isOk()) {
      ctx.reader.error(at, "bad host '" + text + "': " + host.status().message());
      continue;
    }
    const auto same = [&](const HostAddress& h) { return h.host == host->host && h.port == host->port; };
    if (std::any_of(out.hosts.begin(), out.hosts.end(), same)) {
      ctx.reader.error(at, "duplicate host '" + text + "'");
    }
    out.hosts.push_back(std::move(host.value()));
  }
}

void readRetry(const MapReader& cluster, RetryPolicy& out) {
  const auto m =
      cluster.map("retry", {"max_retries", "budget_percent", "min_retry_concurrency", "retry_on_5xx"});
  if (!m) return;
  m->readInt("max_retries", out.max_retries, 0, UINT32_MAX);
  m->readDouble("budget_percent", out.budget_percent, 0.0, 100.0);
  m->readInt("min_retry_concurrency", out.min_retry_concurrency, 0, UINT32_MAX);
  m->readBool("retry_on_5xx", out.retry_on_5xx);
}

void readCircuitBreaker(const MapReader& cluster, CircuitBreaker& out) {
  const auto m = cluster.map("circuit_breaker", {"max_pending", "max_active"});
  if (!m) return;
  m->readInt("max_pending", out.max_pending, 0, UINT32_MAX);
  m->readInt("max_active", out.max_active, 1, UINT32_MAX);
}

void readOutlier(const MapReader& cluster, OutlierDetection& out) {
  const auto m = cluster.map("outlier_detection", {"consecutive_5xx", "base_ejection_ms"});
  if (!m) return;
  m->readInt("consecutive_5xx", out.consecutive_5xx, 0, UINT32_MAX);
  m->readMillis("base_ejection_ms", out.base_ejection);
}

void readUpstreamTls(const MapReader& cluster, Cluster& out, const LoadContext& ctx) {
  const auto m = cluster.map("tls", {"ca", "server_name", "cert", "key", "expected_subject"});
  if (!m) return;
  UpstreamTls t;
  readFileKey(*m, "ca", t.ca_file, ctx);
  m->readNonEmptyString("server_name", t.server_name);
  m->readNonEmptyString("expected_subject", t.expected_subject);
  readFileKey(*m, "cert", t.cert_file, ctx);
  readFileKey(*m, "key", t.key_file, ctx);
  if (m->valid() && m->has("cert") != m->has("key")) {
    ctx.reader.error(m->at(m->has("cert") ? "cert" : "key"),
                     "client 'cert' and 'key' must be given together");
  }
  out.tls = std::move(t);
}

void readCluster(const YAML::Node& node, const Where& where, LoadContext& ctx) {
  const MapReader m(ctx.reader, node, where,
                    {"name", "hosts", "connect_timeout_ms", "request_timeout_ms", "max_idle_per_host",
                     "retry", "circuit_breaker", "outlier_detection", "tls"});
  Cluster out;
  if (m.valid()) {
    m.require({"name", "hosts"});
    readClusterName(m, out, ctx);
    readHosts(m, out, ctx);
    m.readMillis("connect_timeout_ms", out.connect_timeout);
    m.readMillis("request_timeout_ms", out.request_timeout);
    m.readInt("max_idle_per_host", out.max_idle_per_host, 0, UINT32_MAX);
    readRetry(m, out.retry);
    readCircuitBreaker(m, out.circuit_breaker);
    readOutlier(m, out.outlier);
    readUpstreamTls(m, out, ctx);
  }
  ctx.config.clusters.push_back(std::move(out));
}

}  // namespace

void readClusters(const MapReader& root, LoadContext& ctx) {
  root.forEach("clusters",
               [&](const YAML::Node& node, const Where& where) { readCluster(node, where, ctx); });
}

}  // namespace metrogw::config::internal
