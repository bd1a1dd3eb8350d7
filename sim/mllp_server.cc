#include "sim/mllp_server.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <netinet/in.h>

#include <vector>

#include "adapters/hl7v2/mllp.h"
#include "common/logging.h"

namespace metrogw::sim {

class MllpServer::Connection {
 public:
  Connection(MllpServer& server, evutil_socket_t fd)
      : server_(server), bev_(bufferevent_socket_new(server.base_, fd, BEV_OPT_CLOSE_ON_FREE)) {
    bufferevent_setcb(bev_.get(), &Connection::onRead, &Connection::onWrite, &Connection::onEvent, this);
    const timeval idle{kIdleSeconds, 0};
    bufferevent_set_timeouts(bev_.get(), &idle, &idle);
    bufferevent_enable(bev_.get(), EV_READ | EV_WRITE);
  }

 private:
  static void onRead(bufferevent* bev, void* arg) {
    auto* self = static_cast<Connection*>(arg);
    std::string bytes(evbuffer_get_length(bufferevent_get_input(bev)), '\0');
    evbuffer_remove(bufferevent_get_input(bev), bytes.data(), bytes.size());
    std::vector<std::string> messages;
    const Status s = self->decoder_.feed(bytes, messages);
    for (const auto& m : messages) {
      const std::string answer = self->server_.handler_(m);
      if (answer.empty()) continue;
      const std::string framed = adapters::hl7v2::mllpFrame(answer);
      bufferevent_write(bev, framed.data(), framed.size());
    }
    if (!s.isOk()) {
      log::warn("sim.mllp", "closing connection: " + s.message());
      self->closing_ = true;
      if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) self->server_.close(self);
    }
  }

  static void onWrite(bufferevent*, void* arg) {
    auto* self = static_cast<Connection*>(arg);
    if (self->closing_) self->server_.close(self);
  }

  static void onEvent(bufferevent*, short what, void* arg) {
    if ((what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) != 0) {
      auto* self = static_cast<Connection*>(arg);
      self->server_.close(self);
    }
  }

  MllpServer& server_;
  BufferEventPtr bev_;
  adapters::hl7v2::MllpDecoder decoder_;
  bool closing_ = false;
};

StatusOr<std::unique_ptr<MllpServer>> MllpServer::start(event_base* base, const std::string& host,
                                                        uint16_t port, MllpHandler handler) {
  std::unique_ptr<MllpServer> server(new MllpServer(base, std::move(handler)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return Status::invalidArgument("host: not an IPv4 address");
  server->listener_.reset(evconnlistener_new_bind(base, &MllpServer::onAccept, server.get(),
                                                  LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
                                                  reinterpret_cast<sockaddr*>(&addr), sizeof addr));
  if (!server->listener_) return Status::ioError("listen: cannot bind " + host + ":" + std::to_string(port));
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  if (getsockname(evconnlistener_get_fd(server->listener_.get()), reinterpret_cast<sockaddr*>(&bound),
                  &len) != 0) {
    return Status::ioError("listen: getsockname failed");
  }
  server->port_ = ntohs(bound.sin_port);
  return server;
}

MllpServer::~MllpServer() {
  for (Connection* c : connections_) delete c;
}

void MllpServer::onAccept(evconnlistener*, evutil_socket_t fd, sockaddr*, int, void* arg) {
  auto* self = static_cast<MllpServer*>(arg);
  self->connections_.insert(new Connection(*self, fd));
}

// Safe from the connection's own callbacks: libevent does not touch a bufferevent after its
// callback returns, and each callback returns right after close().
void MllpServer::close(Connection* c) {
  if (connections_.erase(c) != 0) delete c;
}

}  // namespace metrogw::sim
