// ClusterState: host selection, pools, circuit breaker, retry budget, outlier ejection.
#include "gateway/upstream/cluster_state.h"

#include <algorithm>

#include "common/logging.h"
#include "gateway/server/snapshot.h"
#include "gateway/upstream/upstream_connection.h"

namespace metrogw::gateway {

ClusterState::ClusterState(Dispatcher& dispatcher, std::shared_ptr<const void> snapshot,
                           const config::Cluster& cfg, const std::vector<ResolvedHost>& hosts,
                           std::shared_ptr<tls::ClientContext> tls, ClusterCells cells)
    : dispatcher_(dispatcher),
      snapshot_(std::move(snapshot)),
      cfg_(cfg),
      tls_(std::move(tls)),
      cells_(cells) {
  hosts_.resize(hosts.size());
  for (size_t i = 0; i < hosts.size(); ++i) hosts_[i].address = &hosts[i];
}

ClusterState::~ClusterState() {
  if (circuit_open_) cells_.circuit_open.add(-1);
  connections_.clear();
}

Admission ClusterState::admit() {
  const auto& cb = cfg_.circuit_breaker;
  if (active_ >= cb.max_active || static_cast<uint32_t>(std::max(pending_, 0)) >= cb.max_pending) {
    if (!circuit_open_) {
      circuit_open_ = true;
      cells_.circuit_open.add(1);
      log::warn("upstream", "circuit breaker open for cluster '" + cfg_.name + "'");
    }
    cells_.circuit_rejections.inc();
    return Admission::kCircuitOpen;
  }
  ++active_;
  return Admission::kAdmitted;
}

void ClusterState::release() {
  if (active_ > 0) --active_;
  updateCircuitGauge();
}

void ClusterState::updateCircuitGauge() {
  const auto& cb = cfg_.circuit_breaker;
  if (circuit_open_ && active_ < cb.max_active &&
      static_cast<uint32_t>(std::max(pending_, 0)) < cb.max_pending) {
    circuit_open_ = false;
    cells_.circuit_open.add(-1);
    log::info("upstream", "circuit breaker closed for cluster '" + cfg_.name + "'");
  }
}

bool ClusterState::tryStartRetry() {
  const auto& r = cfg_.retry;
  const double budget = static_cast<double>(active_) * r.budget_percent / 100.0;
  const auto allowed = std::max<double>(budget, r.min_retry_concurrency);
  if (static_cast<double>(active_retries_) >= allowed) return false;
  ++active_retries_;
  cells_.retries.inc();
  return true;
}

HostState& ClusterState::pickHost(const HostState* avoid) {
  MonotonicTime now{};  // read the clock only when a host has been ejected at some point
  const size_t n = hosts_.size();
  for (size_t attempt = 0; attempt < n; ++attempt) {
    HostState& h = hosts_[rr_++ % n];
    if (h.ejected_until != MonotonicTime{}) {
      if (now == MonotonicTime{}) now = RealTimeSource::instance().monotonicNow();
      if (h.ejected_until > now) continue;
    }
    if (&h == avoid && n > 1) continue;
    return h;
  }
  // Every host ejected (or only `avoid` left): panic mode, spread over all hosts.
  return hosts_[rr_++ % n];
}

UpstreamConnection* ClusterState::acquire(HostState& host, bool* reused) {
  while (!host.idle.empty()) {
    UpstreamConnection* c = host.idle.back();
    host.idle.pop_back();
    if (!c->closed()) {
      *reused = true;
      return c;
    }
  }
  *reused = false;
  connections_.push_back(std::make_unique<UpstreamConnection>(*this, host));
  return connections_.back().get();
}

void ClusterState::releaseConnection(UpstreamConnection* conn) {
  conn->detach();
  HostState& host = conn->host();
  if (!retired_ && conn->reusable() && !conn->closed() && host.idle.size() < cfg_.max_idle_per_host) {
    conn->park();
    host.idle.push_back(conn);
    return;
  }
  conn->close();
}

void ClusterState::removeIdle(UpstreamConnection* conn) {
  auto& idle = conn->host().idle;
  idle.erase(std::remove(idle.begin(), idle.end(), conn), idle.end());
}

void ClusterState::destroy(UpstreamConnection* conn) {
  removeIdle(conn);
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->get() == conn) {
      dispatcher_.deferredDelete(std::move(*it));
      connections_.erase(it);
      return;
    }
  }
}

void ClusterState::recordOutcome(HostState& host, int status) {
  if (status < 500) {
    host.consecutive_5xx = 0;
    return;
  }
  const uint32_t limit = cfg_.outlier.consecutive_5xx;
  if (limit == 0 || ++host.consecutive_5xx < limit) return;
  host.consecutive_5xx = 0;
  ++host.ejections;
  const auto factor = std::min<uint32_t>(host.ejections, 10);
  host.ejected_until = RealTimeSource::instance().monotonicNow() + cfg_.outlier.base_ejection * factor;
  cells_.ejections.inc();
  log::warn("upstream", "ejected host " + host.address->label + " of cluster '" + cfg_.name + "' after " +
                            std::to_string(limit) + " consecutive failures");
}

void ClusterState::retire() {
  retired_ = true;
  for (auto& h : hosts_) {
    auto idle = std::move(h.idle);
    h.idle.clear();
    for (UpstreamConnection* c : idle) c->close();
  }
}

}  // namespace metrogw::gateway
