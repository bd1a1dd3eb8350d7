#include "gateway/upstream/client_exchange.h"

#include "gateway/http/writer.h"
#include "gateway/upstream/cluster_state.h"

namespace metrogw::gateway {
namespace {

[[nodiscard]] Status errorStatus(UpstreamErrorKind kind) {
  switch (kind) {
    case UpstreamErrorKind::kConnect: return Status::upstreamUnavailable("cannot connect to upstream");
    case UpstreamErrorKind::kTimeout: return Status::upstreamTimeout("upstream did not answer in time");
    case UpstreamErrorKind::kReset: return Status::upstreamUnavailable("upstream closed the connection");
    case UpstreamErrorKind::kMalformed:
      return Status::upstreamUnavailable("upstream answer is not valid HTTP");
    case UpstreamErrorKind::kTls: return Status::upstreamUnavailable("upstream TLS handshake failed");
  }
  return Status::upstreamUnavailable("upstream failed");
}

}  // namespace

void ClientExchange::start(std::shared_ptr<ClusterState> cluster, ClientRequest request,
                           ClientCallback done) {
  Dispatcher& dispatcher = cluster->dispatcher();
  auto* exchange = new ClientExchange(std::move(cluster), std::move(request), std::move(done));
  // Begin on the next loop turn so that `done` can never run inside send().
  dispatcher.post([exchange] { exchange->begin(); });
}

void ClientExchange::failLater(Dispatcher& dispatcher, Status status, ClientCallback done) {
  dispatcher.post(
      [status = std::move(status), done = std::move(done)]() mutable { done(std::move(status)); });
}

ClientExchange::ClientExchange(std::shared_ptr<ClusterState> cluster, ClientRequest request,
                               ClientCallback done)
    : cluster_(std::move(cluster)),
      request_(std::move(request)),
      done_(std::move(done)),
      timer_(cluster_->dispatcher().base(), [this] { onTimeout(); }) {}

void ClientExchange::begin() {
  if (cluster_->admit() == Admission::kCircuitOpen) {
    complete(
        Status::upstreamUnavailable("circuit breaker open for cluster '" + cluster_->config().name + "'"));
    return;
  }
  admitted_ = true;
  start_ = RealTimeSource::instance().monotonicNow();
  const auto timeout = request_.timeout.count() > 0 ? request_.timeout : cluster_->config().request_timeout;
  timer_.enableOnce(timeout);
  host_ = &cluster_->pickHost(nullptr);
  bool reused = false;
  upstream_ = cluster_->acquire(*host_, &reused);
  if (reused) {
    upstream_->attach(this);
    onUpstreamReady();
    return;
  }
  cluster_->addPending(1);
  counted_pending_ = true;
  if (!upstream_->connect(this)) {
    UpstreamConnection* failed = upstream_;
    upstream_ = nullptr;
    failed->abandon();
    onUpstreamError(UpstreamErrorKind::kConnect, false);
  }
}

void ClientExchange::onUpstreamReady() {
  if (counted_pending_) {
    cluster_->addPending(-1);
    counted_pending_ = false;
  }
  std::string head;
  head.reserve(256 + request_.target.size());
  head += request_.method;
  head += ' ';
  head += request_.target;
  head += " HTTP/1.1\r\n";
  http::appendHeader(head, "Host", cluster_->config().hosts.front().host);
  for (const auto& [name, value] : request_.headers) http::appendHeader(head, name, value);
  if (!request_.body.empty() || request_.method == "POST" || request_.method == "PUT") {
    http::appendHeader(head, "Content-Length", std::to_string(request_.body.size()));
  }
  head += "\r\n";
  upstream_->setExpectNoBody(request_.method == "HEAD");
  evbuffer* out = upstream_->output();
  evbuffer_add(out, head.data(), head.size());
  evbuffer_add(out, request_.body.data(), request_.body.size());
  upstream_->flushNow();
}

void ClientExchange::onUpstreamHeaders(http::MessageHead& head) {
  cluster_->recordOutcome(*host_, head.status);
  response_.status = head.status;
  response_.headers = std::move(head.headers);
}

void ClientExchange::onUpstreamBody(std::string_view data) {
  if (finished_) return;
  if (response_.body.size() + data.size() > request_.max_response_bytes) {
    releaseUpstream(false);
    complete(Status::upstreamUnavailable("upstream answer larger than " +
                                         std::to_string(request_.max_response_bytes) + " bytes"));
    return;
  }
  response_.body.append(data);
}

void ClientExchange::onUpstreamComplete() {
  ClusterCells& cells = cluster_->cells();
  cells.requests[codeClassIndex(response_.status)]->inc();
  cells.duration.observe(secondsBetween(start_, RealTimeSource::instance().monotonicNow()));
  releaseUpstream(true);
  complete(std::move(response_));
}

void ClientExchange::onUpstreamError(UpstreamErrorKind kind, bool /*response_started*/) {
  upstream_ = nullptr;  // the connection closes itself
  cluster_->cells().errors[static_cast<size_t>(kind)]->inc();
  if (host_ != nullptr) cluster_->recordOutcome(*host_, 503);
  complete(errorStatus(kind));
}

void ClientExchange::onTimeout() {
  if (finished_) return;
  cluster_->cells().errors[static_cast<size_t>(UpstreamErrorKind::kTimeout)]->inc();
  if (host_ != nullptr) cluster_->recordOutcome(*host_, 504);
  releaseUpstream(false);
  complete(errorStatus(UpstreamErrorKind::kTimeout));
}

void ClientExchange::releaseUpstream(bool reusable) {
  if (upstream_ == nullptr) return;
  UpstreamConnection* u = upstream_;
  upstream_ = nullptr;
  if (reusable) {
    cluster_->releaseConnection(u);
  } else {
    u->abandon();
  }
}

void ClientExchange::complete(StatusOr<ClientResponse> result) {
  if (finished_) return;
  finished_ = true;
  timer_.disable();
  if (counted_pending_) {
    cluster_->addPending(-1);
    counted_pending_ = false;
  }
  releaseUpstream(false);
  if (admitted_) {
    admitted_ = false;
    cluster_->release();
  }
  ClientCallback done = std::move(done_);
  Dispatcher& dispatcher = cluster_->dispatcher();
  dispatcher.deferredDelete(std::unique_ptr<DeferredDeletable>(this));
  done(std::move(result));
}

}  // namespace metrogw::gateway
