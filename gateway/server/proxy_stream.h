// ProxyStream: forwards one request to an upstream cluster and streams the answer back.
//
// Admission through the cluster's circuit breaker; a host from the cluster's balancer; a pooled
// keep-alive connection when one is idle. Idempotent requests whose body fits the retry buffer
// are retried on connect failures, resets before the answer and (if configured) 502/503/504,
// within the cluster's retry budget. Bodies stream both ways under the buffer watermarks.
#pragma once

#include <event2/buffer.h>

#include <memory>
#include <string>

#include "common/event_loop.h"
#include "gateway/http/problem.h"
#include "gateway/server/stream.h"
#include "gateway/upstream/cluster_state.h"
#include "gateway/upstream/upstream_connection.h"

namespace metrogw::gateway {

class ServerConnection;

struct EvbufferDeleter {
  void operator()(evbuffer* b) const { evbuffer_free(b); }
};
using EvbufferPtr = std::unique_ptr<evbuffer, EvbufferDeleter>;

class ProxyStream final : public Stream, private UpstreamCallbacks {
 public:
  ProxyStream(ServerConnection& connection, std::shared_ptr<ClusterState> cluster);
  ~ProxyStream() override;

  void start() override;
  void onRequestBody(std::string_view data) override;
  void onRequestComplete() override;
  [[nodiscard]] bool acceptingBody() const override;
  void onClientWritable() override;
  void onClientGone() override;

  static constexpr size_t kMaxRetryBody = 64UL * 1024;

 private:
  void onUpstreamReady() override;
  void onUpstreamHeaders(http::MessageHead& head) override;
  void onUpstreamBody(std::string_view data) override;
  void onUpstreamComplete() override;
  void onUpstreamError(UpstreamErrorKind kind, bool response_started) override;
  void onUpstreamWritable() override;

  void buildRequestHead();
  void attempt(const HostState* avoid);
  void writeRequest();
  void appendBody(std::string_view data);
  [[nodiscard]] bool canRetry() const;
  [[nodiscard]] bool retryIfPossible();
  void startRetry();
  void onTimeout();
  void failWith(http::Problem problem, std::string_view detail);
  void countError(UpstreamErrorKind kind);
  void finish();
  evbuffer* pendingBuffer();

  ServerConnection& conn_;
  std::shared_ptr<ClusterState> cluster_;
  UpstreamConnection* upstream_ = nullptr;
  HostState* host_ = nullptr;
  std::string head_;
  EvbufferPtr pending_;     // body waiting for the upstream to be ready (made on first use)
  std::string retry_copy_;  // framed body kept for a retry
  bool retry_copy_ok_ = true;
  bool chunked_ = false;
  bool idempotent_ = false;
  bool upstream_ready_ = false;
  bool counted_pending_ = false;
  bool request_done_ = false;
  bool admitted_ = false;
  bool retrying_ = false;
  bool holds_retry_budget_ = false;
  bool reading_paused_ = false;
  bool response_started_ = false;
  bool finished_ = false;
  uint32_t attempts_ = 0;
  int status_ = 0;
  MonotonicTime upstream_start_{};
  Timer timer_;
};

}  // namespace metrogw::gateway
