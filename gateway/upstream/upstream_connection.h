// One client connection from a worker to an upstream host (plain TCP or TLS), carrying one
// request/response exchange at a time; kept in its host's idle pool between exchanges.
//
// Ownership: the worker's ClusterState owns every UpstreamConnection (active or idle). While an
// exchange runs, the connection calls its UpstreamCallbacks (the proxy stream); the stream must
// detach() before it goes away. Callbacks are never invoked from inside the response parser, so a
// callback may release, close or reuse the connection.
#pragma once

#include <event2/buffer.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/event_loop.h"
#include "gateway/http/parser.h"
#include "gateway/server/stats.h"
#include "gateway/transport/transport.h"

namespace metrogw::gateway {

struct ResolvedHost;
struct HostState;
class ClusterState;

class UpstreamCallbacks {
 public:
  virtual ~UpstreamCallbacks() = default;
  virtual void onUpstreamReady() = 0;  // connected (TLS handshake done); the request may be written
  virtual void onUpstreamHeaders(http::MessageHead& head) = 0;  // final (non-1xx) response head
  virtual void onUpstreamBody(std::string_view data) = 0;
  virtual void onUpstreamComplete() = 0;
  // The exchange failed. `response_started`: headers were already delivered.
  virtual void onUpstreamError(UpstreamErrorKind kind, bool response_started) = 0;
  virtual void onUpstreamWritable() = 0;  // request output drained below the low watermark
};

class UpstreamConnection : public DeferredDeletable,
                           private http::ParserCallbacks,
                           private TransportCallbacks {
 public:
  UpstreamConnection(ClusterState& cluster, HostState& host);
  ~UpstreamConnection() override;
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  // Starts connecting; onUpstreamReady follows (or onUpstreamError(kConnect)).
  [[nodiscard]] bool connect(UpstreamCallbacks* callbacks);
  // Takes an idle, connected connection for a new exchange.
  void attach(UpstreamCallbacks* callbacks);
  void detach() { callbacks_ = nullptr; }
  // Detaches and closes mid-exchange (the response is not wanted). Safe inside any callback.
  void abandon();

  [[nodiscard]] evbuffer* output() const { return transport_->output(); }
  // Call after appending to output(): the bytes are written on this loop turn.
  void flush() { transport_->flushSoon(); }
  void flushNow() { transport_->flushNow(); }
  [[nodiscard]] size_t outputLength() const;
  void setExpectNoBody(bool head_request) { parser_.expectNoBody(head_request); }
  void pauseReading(bool pause);

  // The exchange completed cleanly and the upstream allows reuse.
  [[nodiscard]] bool reusable() const { return reusable_; }
  [[nodiscard]] HostState& host() const { return host_; }
  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] bool closed() const { return closed_; }

  // Parks the connection (idle in its pool): watches for the peer closing it.
  void park();
  // Closes the socket and hands the object to its cluster for deferred deletion.
  void close();

 private:
  void onTransportRead() override { handleRead(); }
  void onTransportDrained() override;
  void onTransportEvent(TransportEvent event) override;
  void handleRead();
  void fail(UpstreamErrorKind kind);
  bool onHeaders(http::MessageHead& head) override;
  bool onBody(std::string_view data) override;
  void onMessageComplete() override;

  ClusterState& cluster_;
  HostState& host_;
  std::unique_ptr<Transport> transport_;
  http::Parser parser_;
  UpstreamCallbacks* callbacks_ = nullptr;
  Timer connect_timer_;
  bool connected_ = false;
  bool response_started_ = false;
  bool complete_ = false;
  bool reusable_ = false;
  bool closed_ = false;
  bool in_read_ = false;
  bool abandoned_ = false;
  bool counted_ = false;
  bool keep_alive_ = false;
};

}  // namespace metrogw::gateway
