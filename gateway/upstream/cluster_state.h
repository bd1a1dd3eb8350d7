// Per-worker runtime state of one upstream cluster: hosts with their idle keep-alive pools and
// outlier state, the circuit breaker counters and the retry budget. Owner-thread only.
//
// Lifetime: a ClusterState belongs to one worker and one Snapshot. On reload the worker makes new
// ones and retires the old: a retired cluster closes idle connections and refuses to park more;
// streams still using it keep it alive through shared_ptr.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/event_loop.h"
#include "config/config.h"
#include "gateway/server/stats.h"
#include "gateway/tls/tls_context.h"

namespace metrogw::gateway {

struct ResolvedHost;
class UpstreamConnection;

struct HostState {
  const ResolvedHost* address = nullptr;
  uint32_t consecutive_5xx = 0;
  uint32_t ejections = 0;
  MonotonicTime ejected_until{};
  std::vector<UpstreamConnection*> idle;  // most recently used last
};

enum class Admission { kAdmitted, kCircuitOpen };

class ClusterState {
 public:
  // `snapshot` owns `cfg` and `hosts`; the ClusterState keeps it alive.
  ClusterState(Dispatcher& dispatcher, std::shared_ptr<const void> snapshot, const config::Cluster& cfg,
               const std::vector<ResolvedHost>& hosts, std::shared_ptr<tls::ClientContext> tls,
               ClusterCells cells);
  ~ClusterState();
  ClusterState(const ClusterState&) = delete;
  ClusterState& operator=(const ClusterState&) = delete;

  [[nodiscard]] const config::Cluster& config() const { return cfg_; }
  [[nodiscard]] Dispatcher& dispatcher() const { return dispatcher_; }
  [[nodiscard]] ClusterCells& cells() { return cells_; }
  [[nodiscard]] tls::ClientContext* tls() const { return tls_.get(); }

  // Circuit breaker: a request is active from admission until it finishes.
  [[nodiscard]] Admission admit();
  void release();
  void addPending(int delta) { pending_ += delta; }
  // Retry budget: may this request be retried now?
  [[nodiscard]] bool tryStartRetry();
  void endRetry() { --active_retries_; }

  // Picks a host (round-robin over non-ejected hosts, any host when all are ejected), excluding
  // `avoid` when another choice exists.
  [[nodiscard]] HostState& pickHost(const HostState* avoid);
  // An idle connection to `host`, or a new (unconnected) one. Never null.
  [[nodiscard]] UpstreamConnection* acquire(HostState& host, bool* reused);
  // Returns a connection after an exchange: parked when reusable and there is room, else closed.
  void releaseConnection(UpstreamConnection* conn);
  // Closes and frees a connection (its callbacks must be detached already).
  void destroy(UpstreamConnection* conn);
  void removeIdle(UpstreamConnection* conn);

  // Outlier detection: record an answer's status (or a connect/reset failure as 503).
  void recordOutcome(HostState& host, int status);
  void retire();
  [[nodiscard]] size_t connectionCount() const { return connections_.size(); }

 private:
  void updateCircuitGauge();

  Dispatcher& dispatcher_;
  std::shared_ptr<const void> snapshot_;
  const config::Cluster& cfg_;
  std::vector<HostState> hosts_;
  std::shared_ptr<tls::ClientContext> tls_;
  ClusterCells cells_;
  std::list<std::unique_ptr<UpstreamConnection>> connections_;
  size_t rr_ = 0;
  uint32_t active_ = 0;
  int pending_ = 0;
  uint32_t active_retries_ = 0;
  bool circuit_open_ = false;
  bool retired_ = false;
};

}  // namespace metrogw::gateway
