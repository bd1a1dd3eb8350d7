// UpstreamConnection: connect (with timeout), TLS, response parsing and pool parking.
#include "gateway/upstream/upstream_connection.h"

#include <event2/bufferevent_ssl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "gateway/server/snapshot.h"
#include "gateway/upstream/cluster_state.h"

namespace metrogw::gateway {
namespace {
constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;
}

UpstreamConnection::UpstreamConnection(ClusterState& cluster, HostState& host)
    : cluster_(cluster),
      host_(host),
      parser_(http::MessageKind::kResponse, *this, kMaxResponseHeaderBytes),
      connect_timer_(cluster.dispatcher().base(), [this] { fail(UpstreamErrorKind::kConnect); }) {}

UpstreamConnection::~UpstreamConnection() = default;

bool UpstreamConnection::connect(UpstreamCallbacks* callbacks) {
  callbacks_ = callbacks;
  event_base* base = cluster_.dispatcher().base();
  const ResolvedHost& addr = *host_.address;
  if (tls::ClientContext* tls = cluster_.tls()) {
    SSL* ssl = tls->newSsl(addr.host);
    bev_.reset(bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE));
    if (bev_) bufferevent_openssl_set_allow_dirty_shutdown(bev_.get(), 1);
  } else {
    bev_.reset(bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE));
  }
  if (!bev_) return false;
  bufferevent_setcb(bev_.get(), &UpstreamConnection::onRead, &UpstreamConnection::onWrite,
                    &UpstreamConnection::onEvent, this);
  connect_timer_.enableOnce(cluster_.config().connect_timeout);
  if (bufferevent_socket_connect(bev_.get(), reinterpret_cast<const sockaddr*>(&addr.addr),
                                 static_cast<int>(addr.addr_len)) != 0) {
    connect_timer_.disable();
    return false;
  }
  const evutil_socket_t fd = bufferevent_getfd(bev_.get());
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  cluster_.cells().cx_active.add(1);
  counted_ = true;
  return true;
}

void UpstreamConnection::attach(UpstreamCallbacks* callbacks) {
  callbacks_ = callbacks;
  response_started_ = false;
  complete_ = false;
  reusable_ = false;
  parser_.resume();
  parser_.expectNoBody(false);
  bufferevent_enable(bev_.get(), EV_READ | EV_WRITE);
}

size_t UpstreamConnection::outputLength() const { return evbuffer_get_length(output()); }

void UpstreamConnection::pauseReading(bool pause) {
  if (closed_) return;
  if (pause) {
    bufferevent_disable(bev_.get(), EV_READ);
  } else {
    bufferevent_enable(bev_.get(), EV_READ);
  }
}

void UpstreamConnection::abandon() {
  callbacks_ = nullptr;
  reusable_ = false;
  abandoned_ = true;
  connect_timer_.disable();
  if (!in_read_) close();
}

void UpstreamConnection::park() {
  callbacks_ = nullptr;
  // Stay readable: an idle connection only reads EOF (peer closed) or junk; either removes it.
  bufferevent_enable(bev_.get(), EV_READ);
}

void UpstreamConnection::onRead(bufferevent*, void* arg) { static_cast<UpstreamConnection*>(arg)->handleRead(); }

void UpstreamConnection::onWrite(bufferevent*, void* arg) {
  auto* self = static_cast<UpstreamConnection*>(arg);
  if (self->callbacks_ != nullptr) self->callbacks_->onUpstreamWritable();
}

void UpstreamConnection::onEvent(bufferevent*, short what, void* arg) {
  static_cast<UpstreamConnection*>(arg)->handleEvent(what);
}

void UpstreamConnection::handleRead() {
  if (callbacks_ == nullptr) {
    // Bytes on an idle connection: the upstream broke protocol or is closing. Drop it.
    cluster_.removeIdle(this);
    close();
    return;
  }
  evbuffer* in = bufferevent_get_input(bev_.get());
  in_read_ = true;
  while (!closed_ && !complete_ && !abandoned_ && evbuffer_get_length(in) > 0) {
    evbuffer_iovec vec;
    if (evbuffer_peek(in, -1, nullptr, &vec, 1) < 1) break;
    const http::ParseResult r = parser_.execute(static_cast<const char*>(vec.iov_base), vec.iov_len);
    evbuffer_drain(in, r.consumed);
    if (r.error != http::ParseError::kNone && !abandoned_) {
      in_read_ = false;
      fail(UpstreamErrorKind::kMalformed);
      return;
    }
  }
  in_read_ = false;
  if (abandoned_) {  // the stream gave the connection up inside a callback
    close();
    return;
  }
  if (complete_ && !closed_ && callbacks_ != nullptr) {
    UpstreamCallbacks* cb = callbacks_;
    cb->onUpstreamComplete();
  }
}

void UpstreamConnection::handleEvent(short what) {
  if ((what & BEV_EVENT_CONNECTED) != 0) {
    connect_timer_.disable();
    connected_ = true;
    bufferevent_enable(bev_.get(), EV_READ | EV_WRITE);
    if (callbacks_ != nullptr) callbacks_->onUpstreamReady();
    return;
  }
  if ((what & BEV_EVENT_EOF) != 0 && callbacks_ != nullptr && connected_) {
    // A response delimited by close completes here.
    const http::ParseResult r = parser_.finish();
    if (r.error == http::ParseError::kNone && complete_) {
      reusable_ = false;
      UpstreamCallbacks* cb = callbacks_;
      cb->onUpstreamComplete();
      return;
    }
  }
  if (callbacks_ == nullptr) {  // idle connection closed by the peer
    cluster_.removeIdle(this);
    close();
    return;
  }
  const bool tls_error = (what & BEV_EVENT_ERROR) != 0 && bufferevent_get_openssl_error(bev_.get()) != 0;
  fail(!connected_ ? (tls_error ? UpstreamErrorKind::kTls : UpstreamErrorKind::kConnect) : UpstreamErrorKind::kReset);
}

void UpstreamConnection::fail(UpstreamErrorKind kind) {
  connect_timer_.disable();
  UpstreamCallbacks* cb = callbacks_;
  const bool started = response_started_;
  callbacks_ = nullptr;
  reusable_ = false;
  close();
  if (cb != nullptr) cb->onUpstreamError(kind, started);
}

void UpstreamConnection::close() {
  if (closed_) return;
  closed_ = true;
  if (counted_) cluster_.cells().cx_active.add(-1);
  bev_.reset();
  cluster_.destroy(this);
}

bool UpstreamConnection::onHeaders(http::MessageHead& head) {
  if (abandoned_) return false;
  if (head.status < 200) return true;  // 1xx: informational, not forwarded
  response_started_ = true;
  keep_alive_ = head.keep_alive;
  if (callbacks_ != nullptr) callbacks_->onUpstreamHeaders(head);
  return true;
}

bool UpstreamConnection::onBody(std::string_view data) {
  if (abandoned_) return false;
  if (callbacks_ != nullptr) callbacks_->onUpstreamBody(data);
  return !abandoned_;
}

void UpstreamConnection::onMessageComplete() {
  if (!response_started_) {  // end of a 1xx: keep reading for the final answer
    parser_.resume();
    return;
  }
  complete_ = true;
  // The body was length- or chunk-delimited if we got here before EOF.
  reusable_ = keep_alive_;
}

}  // namespace metrogw::gateway
