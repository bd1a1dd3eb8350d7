// An MLLP (HL7 v2 over TCP) server on libevent for the simulated Wuhu platform.
//
// Each connection decodes frames with adapters/hl7v2/mllp.h; every complete message goes to the
// handler, whose answer is framed and written back in order. A framing error or an idle
// connection (kIdleSeconds) closes the connection. Event-loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "common/event_loop.h"
#include "common/status.h"

namespace metrogw::sim {

// One HL7 v2 message in, one message out (empty: send nothing).
using MllpHandler = std::function<std::string(const std::string& message)>;

class MllpServer {
 public:
  static constexpr int kIdleSeconds = 120;

  [[nodiscard]] static StatusOr<std::unique_ptr<MllpServer>> start(event_base* base, const std::string& host,
                                                                   uint16_t port, MllpHandler handler);
  ~MllpServer();
  MllpServer(const MllpServer&) = delete;
  MllpServer& operator=(const MllpServer&) = delete;

  [[nodiscard]] uint16_t port() const { return port_; }

 private:
  class Connection;
  MllpServer(event_base* base, MllpHandler handler) : base_(base), handler_(std::move(handler)) {}
  static void onAccept(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg);
  void close(Connection* c);

  event_base* base_;
  MllpHandler handler_;
  ListenerPtr listener_;
  uint16_t port_ = 0;
  std::unordered_set<Connection*> connections_;
};

}  // namespace metrogw::sim
