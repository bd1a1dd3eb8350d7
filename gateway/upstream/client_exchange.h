// One outbound request of HttpClient (gateway/client.h) over a cluster's pool. Self-owned: it
// deletes itself (deferred) after calling its callback.
#pragma once

#include <memory>

#include "common/clock.h"
#include "common/event_loop.h"
#include "gateway/client.h"
#include "gateway/upstream/upstream_connection.h"

namespace metrogw::gateway {

class ClusterState;

class ClientExchange : public DeferredDeletable, private UpstreamCallbacks {
 public:
  // Starts the exchange; `done` runs later on the cluster's loop.
  static void start(std::shared_ptr<ClusterState> cluster, ClientRequest request, ClientCallback done);
  // Fails without a cluster (unknown name), still asynchronously.
  static void failLater(Dispatcher& dispatcher, Status status, ClientCallback done);

 private:
  ClientExchange(std::shared_ptr<ClusterState> cluster, ClientRequest request, ClientCallback done);
  void begin();
  void onUpstreamReady() override;
  void onUpstreamHeaders(http::MessageHead& head) override;
  void onUpstreamBody(std::string_view data) override;
  void onUpstreamComplete() override;
  void onUpstreamError(UpstreamErrorKind kind, bool response_started) override;
  void onUpstreamWritable() override {}
  void onTimeout();
  void complete(StatusOr<ClientResponse> result);
  void releaseUpstream(bool reusable);

  std::shared_ptr<ClusterState> cluster_;
  ClientRequest request_;
  ClientCallback done_;
  ClientResponse response_;
  HostState* host_ = nullptr;
  UpstreamConnection* upstream_ = nullptr;
  Timer timer_;
  MonotonicTime start_{};
  bool admitted_ = false;
  bool counted_pending_ = false;
  bool finished_ = false;
};

}  // namespace metrogw::gateway
