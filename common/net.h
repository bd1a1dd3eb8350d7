// Name resolution for TCP sockets, shared by listeners, upstream clusters and platform clients.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "common/status.h"

namespace metrogw {

// One resolved socket address (IPv4 or IPv6), copyable and ready for bind() or connect().
struct SocketAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;

  [[nodiscard]] const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&addr); }
  [[nodiscard]] int family() const { return addr.ss_family; }
};

enum class ResolveFor { kConnect, kBind };

// Resolves a host name or address literal with getaddrinfo and keeps the first TCP result. This
// blocks, so call it at start-up or reload, never on a worker's request path. On failure the
// status message is getaddrinfo's reason alone; callers say which host and what it was for.
[[nodiscard]] StatusOr<SocketAddress> resolveTcp(const std::string& host, uint16_t port,
                                                 ResolveFor use = ResolveFor::kConnect);

}  // namespace metrogw
