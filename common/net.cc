// getaddrinfo behind a value type.
#include "common/net.h"

#include <netdb.h>

#include <cstring>

namespace metrogw {

StatusOr<SocketAddress> resolveTcp(const std::string& host, uint16_t port, ResolveFor use) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (use == ResolveFor::kBind) hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string port_str = std::to_string(port);
  const int rc = getaddrinfo(host.c_str(), port_str.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) {
    return Status::invalidArgument(rc != 0 ? gai_strerror(rc) : "no address");
  }
  SocketAddress out;
  std::memcpy(&out.addr, res->ai_addr, res->ai_addrlen);
  out.len = res->ai_addrlen;
  freeaddrinfo(res);
  return out;
}

}  // namespace metrogw
