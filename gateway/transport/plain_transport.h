// Plain TCP transport on one edge-triggered libevent event per socket: registered once, so
// steady-state traffic costs only read/writev and epoll_wait — no epoll_ctl, no FIONREAD.
#pragma once

#include "common/event_loop.h"
#include "gateway/transport/transport.h"

namespace metrogw::gateway {

class PlainTransport final : public Transport {
 public:
  PlainTransport(event_base* base, int fd, bool connecting);
  ~PlainTransport() override;
  PlainTransport(const PlainTransport&) = delete;
  PlainTransport& operator=(const PlainTransport&) = delete;

  void setCallbacks(TransportCallbacks* callbacks) override { callbacks_ = callbacks; }
  evbuffer* input() override { return input_; }
  evbuffer* output() override { return output_; }
  void flushSoon() override;
  void flushNow() override;
  void setReadEnabled(bool enabled) override;
  void setReadLimit(size_t bytes) override { read_limit_ = bytes; }
  void inputConsumed() override;
  void close() override;
  SSL* ssl() const override { return nullptr; }
  bool tlsFailed() const override { return false; }

 private:
  static void onSocket(evutil_socket_t fd, short what, void* arg);
  static void onFlush(evutil_socket_t fd, short what, void* arg);
  void handleSocket(short what);
  void finishConnect();
  void readSome();
  void writeSome();
  void emit(TransportEvent e);

  int fd_;
  evbuffer* input_;
  evbuffer* output_;
  EventPtr io_event_;
  EventPtr flush_event_;
  TransportCallbacks* callbacks_ = nullptr;
  size_t read_limit_ = 256UL * 1024;
  bool connecting_;
  bool read_enabled_ = true;
  bool readable_ = false;  // the last read may have left bytes in the socket
  bool writable_ = true;   // false after EAGAIN until the next write edge
  bool flush_pending_ = false;
  bool write_failed_ = false;
  bool closed_ = false;
};

}  // namespace metrogw::gateway
