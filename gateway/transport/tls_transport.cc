// TLS transport over libevent's bufferevent_openssl, and the two transport factories.
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/event_loop.h"
#include "gateway/transport/plain_transport.h"
#include "gateway/transport/transport.h"

namespace metrogw::gateway {
namespace {

class TlsTransport final : public Transport {
 public:
  TlsTransport(event_base* base, int fd, SSL* ssl, bool connecting)
      : ssl_(ssl),
        bev_(bufferevent_openssl_socket_new(
            base, fd, ssl, connecting ? BUFFEREVENT_SSL_CONNECTING : BUFFEREVENT_SSL_ACCEPTING,
            BEV_OPT_CLOSE_ON_FREE)) {
    if (fd >= 0) {
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    bufferevent_openssl_set_allow_dirty_shutdown(bev_.get(), 1);
    bufferevent_setcb(bev_.get(), &TlsTransport::onRead, &TlsTransport::onWrite, &TlsTransport::onEvent,
                      this);
    bufferevent_enable(bev_.get(), EV_READ | EV_WRITE);
  }
  ~TlsTransport() override { close(); }

  void setCallbacks(TransportCallbacks* callbacks) override { callbacks_ = callbacks; }
  evbuffer* input() override { return bufferevent_get_input(bev_.get()); }
  evbuffer* output() override { return bufferevent_get_output(bev_.get()); }
  void flushSoon() override {}  // bufferevent writes by itself
  void flushNow() override {}
  void setReadEnabled(bool enabled) override {
    if (!bev_) return;
    if (enabled) {
      bufferevent_enable(bev_.get(), EV_READ);
    } else {
      bufferevent_disable(bev_.get(), EV_READ);
    }
  }
  void setReadLimit(size_t bytes) override { bufferevent_setwatermark(bev_.get(), EV_READ, 0, bytes); }
  void inputConsumed() override {}  // bufferevent re-enables reading below its watermark itself
  void close() override {
    callbacks_ = nullptr;
    // A clean close sends close_notify; without it OpenSSL marks the session not resumable.
    if (bev_ && handshake_done_ && !tls_failed_) SSL_shutdown(ssl_);
    bev_.reset();  // frees the SSL and closes the socket
  }
  SSL* ssl() const override { return ssl_; }
  bool tlsFailed() const override { return tls_failed_; }
  [[nodiscard]] bool connect(const sockaddr* addr, socklen_t len) {
    if (bufferevent_socket_connect(bev_.get(), addr, static_cast<int>(len)) != 0) return false;
    const evutil_socket_t fd = bufferevent_getfd(bev_.get());
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return true;
  }

 private:
  static void onRead(bufferevent*, void* arg) {
    auto* self = static_cast<TlsTransport*>(arg);
    if (self->callbacks_ != nullptr) self->callbacks_->onTransportRead();
  }
  static void onWrite(bufferevent*, void* arg) {
    auto* self = static_cast<TlsTransport*>(arg);
    if (self->callbacks_ != nullptr) self->callbacks_->onTransportDrained();
  }
  static void onEvent(bufferevent* bev, short what, void* arg) {
    auto* self = static_cast<TlsTransport*>(arg);
    if ((what & BEV_EVENT_ERROR) != 0 && bufferevent_get_openssl_error(bev) != 0) self->tls_failed_ = true;
    if ((what & BEV_EVENT_CONNECTED) != 0) self->handshake_done_ = true;
    if ((what & (BEV_EVENT_ERROR | BEV_EVENT_EOF)) != 0)
      self->tls_failed_ = self->tls_failed_ || !self->handshake_done_;
    if (self->callbacks_ == nullptr) return;
    if ((what & BEV_EVENT_CONNECTED) != 0) {
      self->callbacks_->onTransportEvent(TransportEvent::kConnected);
    } else if ((what & BEV_EVENT_EOF) != 0) {
      self->callbacks_->onTransportEvent(TransportEvent::kEof);
    } else {
      self->callbacks_->onTransportEvent(TransportEvent::kError);
    }
  }

  SSL* ssl_;
  BufferEventPtr bev_;
  TransportCallbacks* callbacks_ = nullptr;
  bool tls_failed_ = false;
  bool handshake_done_ = false;
};

}  // namespace

std::unique_ptr<Transport> acceptTransport(event_base* base, int fd, SSL* ssl) {
  if (ssl != nullptr) return std::make_unique<TlsTransport>(base, fd, ssl, false);
  return std::make_unique<PlainTransport>(base, fd, false);
}

StatusOr<std::unique_ptr<Transport>> connectTransport(event_base* base, const sockaddr* addr, socklen_t len,
                                                      SSL* ssl) {
  if (ssl != nullptr) {
    auto tls = std::make_unique<TlsTransport>(base, -1, ssl, true);
    if (!tls->connect(addr, len))
      return Status::upstreamUnavailable(std::string("connect: ") + std::strerror(errno));
    return std::unique_ptr<Transport>(std::move(tls));
  }
  const int fd = ::socket(addr->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return Status::ioError(std::string("socket: ") + std::strerror(errno));
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (::connect(fd, addr, len) != 0 && errno != EINPROGRESS) {
    const int err = errno;
    ::close(fd);
    return Status::upstreamUnavailable(std::string("connect: ") + std::strerror(err));
  }
  return std::unique_ptr<Transport>(std::make_unique<PlainTransport>(base, fd, true));
}

}  // namespace metrogw::gateway
