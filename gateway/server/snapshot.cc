// Snapshot construction.
#include "gateway/server/snapshot.h"

namespace metrogw::gateway {
namespace {

StatusOr<ResolvedHost> resolve(const config::HostAddress& h) {
  auto address = resolveTcp(h.host, h.port);
  if (!address.isOk()) {
    return Status::invalidArgument("cannot resolve upstream host '" + h.host +
                                   "': " + address.status().message());
  }
  return ResolvedHost{h.host + ":" + std::to_string(h.port), h.host, *address};
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
