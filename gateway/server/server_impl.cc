// Server: listener sockets (one SO_REUSEPORT socket per worker and listener), workers, reload, drain.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/logging.h"
#include "common/net.h"
#include "gateway/server.h"
#include "gateway/server/snapshot.h"
#include "gateway/server/stats.h"
#include "gateway/server/worker.h"

namespace metrogw::gateway {
namespace {

// share: SO_REUSEPORT, so every worker has its own socket on the port.
StatusOr<int> bindListener(const std::string& address, uint16_t port, bool share) {
  auto where = resolveTcp(address, port, ResolveFor::kBind);
  if (!where.isOk()) {
    return Status::invalidArgument("cannot resolve listener address '" + address +
                                   "': " + where.status().message());
  }
  const int fd = ::socket(where->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
      (share && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) ||
      ::bind(fd, where->get(), where->len) != 0 || ::listen(fd, 1024) != 0) {
    const int err = errno;
    Status status = Status::ioError("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                                    std::strerror(err));
    if (fd >= 0) ::close(fd);
    return status;
  }
  return fd;
}

// SO_REUSEPORT lets any process of the same user bind the port too, and the kernel would then
// share connections between them: a second node started by mistake on the same port (or another
// program) would silently take part of the traffic. A socket without SO_REUSEPORT cannot join such
// a group, so binding one first tells whether the port is free.
Status ensureUnused(const std::string& address, uint16_t port) {
  auto probe = bindListener(address, port, false);
  if (!probe.isOk()) return probe.status();
  ::close(*probe);
  return Status::ok();
}

uint16_t boundPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

Status sameListeners(const config::Config& a, const config::Config& b) {
  if (a.listeners.size() != b.listeners.size()) return Status::invalidArgument("listeners added or removed");
  for (size_t i = 0; i < a.listeners.size(); ++i) {
    const auto& x = a.listeners[i];
    const auto& y = b.listeners[i];
    if (x.name != y.name || x.address != y.address || x.port != y.port ||
        x.tls.has_value() != y.tls.has_value()) {
      return Status::invalidArgument("listener '" + y.name + "' changed address, port, name or TLS on/off");
    }
  }
  return Status::ok();
}

class ServerImpl final : public Server {
 public:
  ServerImpl(SnapshotPtr snapshot, observability::Registry& registry, const HandlerRegistry& handlers)
      : snapshot_(std::move(snapshot)), stats_(registry), handlers_(handlers) {}
  ~ServerImpl() override { stopWorkers(); }

  Status start() override;
  Status reload(config::ConfigPtr config) override;
  size_t drainAndStop() override;
  std::vector<uint16_t> listenerPorts() const override { return ports_; }
  size_t connectionCount() const override;

 private:
  Status bindAll();
  void stopWorkers();

  SnapshotPtr snapshot_;
  GatewayStats stats_;
  const HandlerRegistry& handlers_;
  uint32_t worker_count_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<uint16_t> ports_;
};

Status ServerImpl::start() {
  const config::Config& cfg = *snapshot_->config;
  worker_count_ = resolveWorkerCount(cfg);
  if (stats_.registry.shards() < worker_count_) {
    return Status::internal("metrics registry has fewer shards than workers");
  }
  for (uint32_t i = 0; i < worker_count_; ++i) {
    workers_.push_back(std::make_unique<Worker>(i, stats_, handlers_, cfg.node_name));
    if (cfg.access_log) {
      auto log = observability::AccessLog::open(cfg.access_log_path);
      if (!log.isOk()) return log.status();
      workers_.back()->setAccessLog(std::move(log).value());
    }
  }
  RETURN_IF_ERROR(bindAll());
  for (auto& w : workers_) w->start(snapshot_);
  return Status::ok();
}

Status ServerImpl::bindAll() {
  const config::Config& cfg = *snapshot_->config;
  for (const auto& l : cfg.listeners) {
    uint16_t port = l.port;
    if (port != 0) {
      if (Status s = ensureUnused(l.address, port); !s.isOk())
        return Status::ioError("listener '" + l.name + "': " + s.message());
    }
    for (auto& w : workers_) {
      auto fd = bindListener(l.address, port, true);
      if (!fd.isOk()) return Status::ioError("listener '" + l.name + "': " + fd.status().message());
      if (port == 0) port = boundPort(*fd);
      w->addListener(l.name, *fd);
    }
    ports_.push_back(port);
    log::info("server", "listening: listener=" + l.name + " address=" + l.address +
                            " port=" + std::to_string(port) +
                            (l.tls ? (l.tls->client_ca_file.empty() ? " tls" : " mtls") : ""));
  }
  return Status::ok();
}

Status ServerImpl::reload(config::ConfigPtr config) {
  RETURN_IF_ERROR(sameListeners(*snapshot_->config, *config));
  if (resolveWorkerCount(*config) != worker_count_) {
    return Status::invalidArgument("the number of workers changed; that needs a restart");
  }
  auto snap = buildSnapshot(std::move(config));
  if (!snap.isOk()) return snap.status();
  snapshot_ = *snap;
  for (auto& w : workers_) w->installSnapshotAsync(snapshot_);
  return Status::ok();
}

size_t ServerImpl::connectionCount() const {
  size_t n = 0;
  for (const auto& w : workers_) n += w->connectionCount();
  return n;
}

size_t ServerImpl::drainAndStop() {
  for (auto& w : workers_) w->beginDrainAsync();
  const auto deadline = std::chrono::steady_clock::now() + snapshot_->config->limits.drain_timeout;
  while (connectionCount() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const size_t left = connectionCount();
  stopWorkers();
  return left;
}

void ServerImpl::stopWorkers() {
  for (auto& w : workers_) w->stopAndJoin();
}

}  // namespace

uint32_t resolveWorkerCount(const config::Config& config) {
  if (config.workers > 0) return config.workers;
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

StatusOr<std::unique_ptr<Server>> createServer(config::ConfigPtr config, observability::Registry& registry,
                                               const HandlerRegistry& handlers) {
  auto snap = buildSnapshot(std::move(config));
  if (!snap.isOk()) return snap.status();
  return std::unique_ptr<Server>(std::make_unique<ServerImpl>(*snap, registry, handlers));
}

}  // namespace metrogw::gateway
