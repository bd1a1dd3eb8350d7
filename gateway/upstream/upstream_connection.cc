// UpstreamConnection: connect (with timeout), TLS, response parsing and pool parking.
#include "gateway/upstream/upstream_connection.h"

#include "gateway/server/snapshot.h"
#include "gateway/upstream/cluster_state.h"

namespace metrogw::gateway {
namespace {
constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;
constexpr size_t kReadLimit = 256UL * 1024;
}  // namespace

UpstreamConnection::UpstreamConnection(ClusterState& cluster, HostState& host)
    : cluster_(cluster),
      host_(host),
      parser_(http::MessageKind::kResponse, *this, kMaxResponseHeaderBytes),
      connect_timer_(cluster.dispatcher().base(), [this] { fail(UpstreamErrorKind::kConnect); }) {}

UpstreamConnection::~UpstreamConnection() = default;

bool UpstreamConnection::connect(UpstreamCallbacks* callbacks) {
  callbacks_ = callbacks;
  const ResolvedHost& addr = *host_.address;
  SSL* ssl = nullptr;
  if (tls::ClientContext* tls = cluster_.tls()) {
    ssl = tls->newSsl(addr.host);
    if (ssl == nullptr) return false;
  }
  auto t = connectTransport(cluster_.dispatcher().base(), addr.address.get(), addr.address.len, ssl);
  if (!t.isOk()) return false;
  transport_ = std::move(t).value();
  transport_->setCallbacks(this);
  transport_->setReadLimit(kReadLimit);
  connect_timer_.enableOnce(cluster_.config().connect_timeout);
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
  transport_->setReadEnabled(true);
}

size_t UpstreamConnection::outputLength() const { return evbuffer_get_length(output()); }

void UpstreamConnection::pauseReading(bool pause) {
  if (closed_) return;
  transport_->setReadEnabled(!pause);
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
  transport_->setReadEnabled(true);
}

void UpstreamConnection::onTransportDrained() {
  if (callbacks_ != nullptr) callbacks_->onUpstreamWritable();
}

void UpstreamConnection::handleRead() {
  if (callbacks_ == nullptr) {
    // Bytes on an idle connection: the upstream broke protocol or is closing. Drop it.
    cluster_.removeIdle(this);
    close();
    return;
  }
  evbuffer* in = transport_->input();
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
  if (!closed_ && transport_) transport_->inputConsumed();
  if (abandoned_) {  // the stream gave the connection up inside a callback
    close();
    return;
  }
  if (complete_ && !closed_ && callbacks_ != nullptr) {
    UpstreamCallbacks* cb = callbacks_;
    cb->onUpstreamComplete();
  }
}

void UpstreamConnection::onTransportEvent(TransportEvent event) {
  if (event == TransportEvent::kConnected) {
    connect_timer_.disable();
    connected_ = true;
    if (callbacks_ != nullptr) callbacks_->onUpstreamReady();
    return;
  }
  if (event == TransportEvent::kEof && callbacks_ != nullptr && connected_) {
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
  const bool tls_error = transport_->tlsFailed();
  fail(!connected_ ? (tls_error ? UpstreamErrorKind::kTls : UpstreamErrorKind::kConnect)
                   : UpstreamErrorKind::kReset);
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
  if (transport_) transport_->close();
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
