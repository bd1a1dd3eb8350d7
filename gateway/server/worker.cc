// Worker: thread, accept loop, per-snapshot runtime (clusters, route stats, handlers), drain.
#include "gateway/server/worker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cstdio>
#include <random>

#include "common/logging.h"
#include "gateway/http/problem.h"
#include "gateway/server/connection.h"
#include "gateway/upstream/client_exchange.h"
#include "gateway/upstream/cluster_state.h"

namespace metrogw::gateway {
namespace {

std::string peerAddress(const sockaddr* addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, buf, sizeof(buf));
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, buf, sizeof(buf));
  }
  return buf;
}

uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Worker::Worker(uint32_t index, GatewayStats& stats, const HandlerRegistry& handlers, std::string node_name)
    : index_(index),
      stats_(stats),
      handler_registry_(handlers),
      node_name_(std::move(node_name)),
      access_log_flush_(dispatcher_.base(), [this] {
        if (access_log_) access_log_->flush();
        access_log_flush_.enableOnce(std::chrono::seconds(1));
      }) {
  std::random_device rd;
  id_state_[0] = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^ index;
  id_state_[1] = (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

Worker::~Worker() { stopAndJoin(); }

void Worker::addListener(const std::string& name, int fd) {
  listeners_.push_back(std::make_unique<ListenerRuntime>(stats_, index_, listeners_.size(), name));
  listeners_.back()->worker = this;
  pending_fds_.push_back(fd);
}

void Worker::start(SnapshotPtr snapshot) {
  installSnapshot(std::move(snapshot));
  WorkerContext ctx{index_,          dispatcher_, node_name_, client_, [this] { return snapshot_->config; },
                    &stats_.registry};
  for (const auto& [name, factory] : handler_registry_.factories()) handlers_[name] = factory(ctx);
  for (size_t i = 0; i < listeners_.size(); ++i) {
    listeners_[i]->listener.reset(evconnlistener_new(dispatcher_.base(), &Worker::onAccept,
                                                     listeners_[i].get(), LEV_OPT_CLOSE_ON_FREE, -1,
                                                     pending_fds_[i]));
  }
  pending_fds_.clear();
  access_log_flush_.enableOnce(std::chrono::seconds(1));
  thread_ = std::thread([this] { run(); });
}

void Worker::run() {
  dispatcher_.run();
  // Loop ended: close what is left, in this thread.
  for (ServerConnection* c : std::vector<ServerConnection*>(connections_.begin(), connections_.end())) {
    c->forceClose();
  }
  for (auto& l : listeners_) l->listener.reset();
  for (auto& [name, c] : clusters_) c->retire();
  dispatcher_.clearDeferred();
  if (access_log_) access_log_->flush();
}

void Worker::stopAndJoin() {
  if (!thread_.joinable()) return;
  dispatcher_.post([this] { dispatcher_.exit(); });
  thread_.join();
}

void Worker::onAccept(evconnlistener* l, evutil_socket_t fd, sockaddr* addr, int, void* arg) {
  (void)l;
  auto* listener = static_cast<ListenerRuntime*>(arg);
  listener->worker->accept(*listener, fd, addr);
}

void Worker::accept(ListenerRuntime& listener, evutil_socket_t fd, const sockaddr* addr) {
  const auto& limits = snapshot_->config->limits;
  if (draining_ || connections_.size() >= limits.max_connections_per_worker) {
    listener.cells.protocol_errors[4]->inc();
    if (snapshot_->listener_tls.count(listener.name) == 0) {
      static const std::string kBusy = [] {
        const std::string body = http::problemBody(http::Problem::kTooManyConnections, {}, {});
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nConnection: "
               "close\r\n"
               "Content-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
      }();
      [[maybe_unused]] const ssize_t n = ::send(fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    ::close(fd);
    return;
  }
  evutil_make_socket_nonblocking(fd);
  if (addr->sa_family == AF_INET || addr->sa_family == AF_INET6) {
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  SSL* ssl = nullptr;
  auto tls_it = snapshot_->listener_tls.find(listener.name);
  if (tls_it != snapshot_->listener_tls.end()) ssl = SSL_new(tls_it->second->native());
  auto* conn = new ServerConnection(*this, listener, fd, peerAddress(addr), ssl);
  connections_.insert(conn);
  connection_count_.store(connections_.size(), std::memory_order_relaxed);
  conn->start();
}

void Worker::removeConnection(ServerConnection* conn) {
  if (connections_.erase(conn) == 0) return;
  connection_count_.store(connections_.size(), std::memory_order_relaxed);
  dispatcher_.deferredDelete(std::unique_ptr<DeferredDeletable>(conn));
}

void Worker::installSnapshotAsync(SnapshotPtr snapshot) {
  post([this, s = std::move(snapshot)]() mutable { installSnapshot(std::move(s)); });
}

void Worker::installSnapshot(SnapshotPtr snapshot) {
  for (auto& [name, c] : clusters_) c->retire();
  clusters_.clear();
  const config::Config& cfg = *snapshot->config;
  for (const auto& c : cfg.clusters) {
    std::shared_ptr<tls::ClientContext> tls;
    if (auto it = snapshot->cluster_tls.find(c.name); it != snapshot->cluster_tls.end()) tls = it->second;
    clusters_[c.name] =
        std::make_shared<ClusterState>(dispatcher_, snapshot, c, snapshot->cluster_hosts.at(c.name), tls,
                                       ClusterCells(stats_, index_, c.name));
  }
  route_clusters_.assign(cfg.routes.size(), nullptr);
  for (size_t i = 0; i < cfg.routes.size(); ++i) {
    if (!cfg.routes[i].cluster.empty()) route_clusters_[i] = clusters_.at(cfg.routes[i].cluster);
  }
  route_cells_.clear();
  unrouted_cells_.clear();
  for (const auto& l : listeners_) {
    auto& row = route_cells_.emplace_back();
    for (const auto& r : cfg.routes)
      row.push_back(std::make_unique<RouteCells>(stats_, index_, l->name, r.name));
    unrouted_cells_.push_back(std::make_unique<RouteCells>(stats_, index_, l->name, "none"));
  }
  snapshot_ = std::move(snapshot);
}

std::shared_ptr<ClusterState> Worker::clusterForRoute(size_t route_index) const {
  return route_clusters_.at(route_index);
}

std::shared_ptr<ClusterState> Worker::clusterByName(std::string_view name) const {
  auto it = clusters_.find(name);
  return it == clusters_.end() ? nullptr : it->second;
}

void WorkerHttpClient::send(std::string_view cluster, ClientRequest request, ClientCallback done) {
  std::shared_ptr<ClusterState> state = worker_.clusterByName(cluster);
  if (!state) {
    ClientExchange::failLater(worker_.dispatcher(),
                              Status::upstreamUnavailable("no cluster named '" + std::string(cluster) + "'"),
                              std::move(done));
    return;
  }
  ClientExchange::start(std::move(state), std::move(request), std::move(done));
}

RouteCells& Worker::routeCells(size_t listener_index, size_t route_index) {
  return *route_cells_.at(listener_index).at(route_index);
}

RouteCells& Worker::unroutedCells(size_t listener_index) { return *unrouted_cells_.at(listener_index); }

LocalHandler* Worker::handler(const std::string& name) const {
  auto it = handlers_.find(name);
  return it == handlers_.end() ? nullptr : it->second.get();
}

void Worker::beginDrainAsync() {
  post([this] { beginDrain(); });
}

void Worker::beginDrain() {
  draining_ = true;
  // Closing the listening sockets makes new connects fail at once instead of queueing.
  for (auto& l : listeners_) l->listener.reset();
  for (ServerConnection* c : std::vector<ServerConnection*>(connections_.begin(), connections_.end()))
    c->drain();
}

void Worker::nextRequestId(std::string& out) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  const uint64_t words[2] = {splitmix(id_state_[0]), splitmix(id_state_[1])};
  out.resize(32);
  for (size_t w = 0; w < 2; ++w) {
    for (size_t i = 0; i < 16; ++i) out[w * 16 + i] = kHex[(words[w] >> (60 - 4 * i)) & 0xFU];
  }
}

}  // namespace metrogw::gateway
