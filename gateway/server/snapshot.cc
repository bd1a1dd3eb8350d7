// Snapshot construction.
#include "gateway/server/snapshot.h"

#include <netdb.h>

#include <cstring>

namespace metrogw::gateway {
namespace {

StatusOr<ResolvedHost> resolve(const config::HostAddress& h) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(h.port);
  const int rc = getaddrinfo(h.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    return Status::invalidArgument("cannot resolve upstream host '" + h.host + "': " + gai_strerror(rc));
  }
  ResolvedHost out;
  out.host = h.host;
  out.label = h.host + ":" + port;
  std::memcpy(&out.addr, res->ai_addr, res->ai_addrlen);
  out.addr_len = res->ai_addrlen;
  freeaddrinfo(res);
  return out;
}

}  // namespace

StatusOr<SnapshotPtr> buildSnapshot(config::ConfigPtr config) {
  auto router = Router::build(*config);
  if (!router.isOk()) return router.status();
  auto snap = std::make_shared<Snapshot>();
  snap->router = std::move(router).value();
  for (const auto& l : config->listeners) {
    if (!l.tls) continue;
    auto ctx = tls::ServerContext::create(*l.tls);
    if (!ctx.isOk()) return Status::invalidArgument("listener '" + l.name + "': " + ctx.status().message());
    snap->listener_tls[l.name] = *ctx;
  }
  for (const auto& c : config->clusters) {
    if (c.tls) {
      auto ctx = tls::ClientContext::create(*c.tls);
      if (!ctx.isOk()) return Status::invalidArgument("cluster '" + c.name + "': " + ctx.status().message());
      snap->cluster_tls[c.name] = *ctx;
    }
    auto& hosts = snap->cluster_hosts[c.name];
    for (const auto& h : c.hosts) {
      auto r = resolve(h);
      if (!r.isOk()) return Status::invalidArgument("cluster '" + c.name + "': " + r.status().message());
      hosts.push_back(std::move(r).value());
    }
  }
  snap->config = std::move(config);
  return SnapshotPtr(std::move(snap));
}

}  // namespace metrogw::gateway
