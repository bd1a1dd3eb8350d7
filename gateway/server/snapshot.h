// Snapshot: everything built from one Config that workers share read-only — the config itself,
// the router, TLS contexts, resolved upstream addresses. A reload builds a new Snapshot on the
// main thread and posts it to every worker; requests in flight keep the one they started with.
#pragma once

#include <sys/socket.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/net.h"
#include "common/status.h"
#include "config/config.h"
#include "gateway/router/router.h"
#include "gateway/tls/tls_context.h"

namespace metrogw::gateway {

struct ResolvedHost {
  std::string label;  // "host:port" for logs and metrics
  std::string host;   // as configured, for TLS name checks
  SocketAddress address;
};

struct Snapshot {
  config::ConfigPtr config;
  Router router;
  std::map<std::string, std::shared_ptr<tls::ServerContext>> listener_tls;  // by listener name
  std::map<std::string, std::shared_ptr<tls::ClientContext>> cluster_tls;   // by cluster name
  std::map<std::string, std::vector<ResolvedHost>> cluster_hosts;           // by cluster name
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

// Builds TLS contexts and resolves hosts (blocking DNS: main thread only, at start and reload).
[[nodiscard]] StatusOr<SnapshotPtr> buildSnapshot(config::ConfigPtr config);

}  // namespace metrogw::gateway
