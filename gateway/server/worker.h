// A worker: one thread, one event loop, its own SO_REUSEPORT listening sockets, connections,
// upstream pools, handlers, access log and metric shard. Other threads reach it only via post().
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/event_loop.h"
#include "gateway/handler.h"
#include "gateway/server/snapshot.h"
#include "gateway/server/stats.h"
#include "observability/access_log.h"

namespace metrogw::gateway {

class ServerConnection;
class ClusterState;

class Worker;

struct ListenerRuntime {
  ListenerRuntime(GatewayStats& stats, uint32_t shard, size_t index, std::string name)
      : index(index), name(std::move(name)), cells(stats, shard, this->name) {}
  size_t index;
  std::string name;
  ListenerCells cells;
  ListenerPtr listener;
  Worker* worker = nullptr;
};

// HttpClient over this worker's clusters of the snapshot in force.
class WorkerHttpClient final : public HttpClient {
 public:
  explicit WorkerHttpClient(Worker& worker) : worker_(worker) {}
  void send(std::string_view cluster, ClientRequest request, ClientCallback done) override;

 private:
  Worker& worker_;
};

class Worker {
 public:
  Worker(uint32_t index, GatewayStats& stats, const HandlerRegistry& handlers, std::string node_name);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Before start(): listening sockets, one per listener in config order (ownership passes).
  void addListener(const std::string& name, int fd);
  void setAccessLog(std::unique_ptr<observability::AccessLog> log) { access_log_ = std::move(log); }
  void start(SnapshotPtr snapshot);
  // Any thread:
  void post(std::function<void()> fn) { dispatcher_.post(std::move(fn)); }
  void installSnapshotAsync(SnapshotPtr snapshot);
  void beginDrainAsync();
  [[nodiscard]] size_t connectionCount() const { return connection_count_.load(std::memory_order_relaxed); }
  void stopAndJoin();

  // Worker thread only:
  [[nodiscard]] uint32_t index() const { return index_; }
  [[nodiscard]] Dispatcher& dispatcher() { return dispatcher_; }
  [[nodiscard]] const SnapshotPtr& snapshot() const { return snapshot_; }
  [[nodiscard]] GatewayStats& stats() { return stats_; }
  [[nodiscard]] std::shared_ptr<ClusterState> clusterForRoute(size_t route_index) const;
  [[nodiscard]] std::shared_ptr<ClusterState> clusterByName(std::string_view name) const;
  [[nodiscard]] RouteCells& routeCells(size_t listener_index, size_t route_index);
  [[nodiscard]] RouteCells& unroutedCells(size_t listener_index);
  [[nodiscard]] LocalHandler* handler(const std::string& name) const;
  [[nodiscard]] observability::AccessLog* accessLog() const { return access_log_.get(); }
  [[nodiscard]] bool draining() const { return draining_; }
  // A fresh 32-hex-digit request id, written into `out` (whose capacity is reused).
  void nextRequestId(std::string& out);
  void removeConnection(ServerConnection* conn);

 private:
  static void onAccept(evconnlistener* l, evutil_socket_t fd, sockaddr* addr, int len, void* arg);
  void accept(ListenerRuntime& listener, evutil_socket_t fd, const sockaddr* addr);
  void installSnapshot(SnapshotPtr snapshot);
  void beginDrain();
  void run();

  uint32_t index_;
  GatewayStats& stats_;
  const HandlerRegistry& handler_registry_;
  std::string node_name_;
  Dispatcher dispatcher_;
  std::thread thread_;
  std::vector<std::unique_ptr<ListenerRuntime>> listeners_;
  std::vector<int> pending_fds_;
  SnapshotPtr snapshot_;
  std::map<std::string, std::shared_ptr<ClusterState>, std::less<>> clusters_;
  std::vector<std::shared_ptr<ClusterState>> route_clusters_;          // by route index
  std::vector<std::vector<std::unique_ptr<RouteCells>>> route_cells_;  // [listener][route]
  std::vector<std::unique_ptr<RouteCells>> unrouted_cells_;            // [listener]
  std::map<std::string, std::unique_ptr<LocalHandler>> handlers_;
  WorkerHttpClient client_{*this};
  std::unordered_set<ServerConnection*> connections_;
  std::atomic<size_t> connection_count_{0};
  std::unique_ptr<observability::AccessLog> access_log_;
  Timer access_log_flush_;
  bool draining_ = false;
  uint64_t id_state_[2] = {0, 0};
};

}  // namespace metrogw::gateway
