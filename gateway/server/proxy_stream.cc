// ProxyStream implementation.
#include "gateway/server/proxy_stream.h"

#include "gateway/http/writer.h"
#include "gateway/server/connection.h"
#include "gateway/server/snapshot.h"
#include "gateway/server/worker.h"

namespace metrogw::gateway {
namespace {

bool isIdempotent(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

// Request headers the gateway rewrites itself (beyond hop-by-hop ones).
bool replacedHeader(std::string_view name) {
  return http::iequals(name, "expect") || http::iequals(name, "x-forwarded-for") ||
         http::iequals(name, "x-forwarded-proto") || http::iequals(name, "x-request-id") ||
         http::iequals(name, "x-metrogw-caller");
}

Framing responseFraming(const http::MessageHead& resp, bool head_request) {
  if (head_request || resp.status == 204 || resp.status == 304) return Framing::kNone;
  if (resp.content_length) return Framing::kLength;
  return Framing::kChunked;  // chunked or close-delimited upstream: re-chunked (HTTP/1.0: close)
}

}  // namespace

ProxyStream::ProxyStream(ServerConnection& connection, std::shared_ptr<ClusterState> cluster)
    : conn_(connection),
      cluster_(std::move(cluster)),
      timer_(connection.worker().dispatcher().base(), [this] { onTimeout(); }) {}

ProxyStream::~ProxyStream() { finish(); }

void ProxyStream::start() {
  const RequestInfo& req = conn_.request();
  if (cluster_->admit() == Admission::kCircuitOpen) {
    conn_.request().addFlag("UO");
    conn_.sendProblem(http::Problem::kCircuitOpen, "too many requests in flight to this upstream");
    return;
  }
  admitted_ = true;
  chunked_ = req.head.chunked;
  idempotent_ = isIdempotent(req.head.method) && cluster_->config().retry.max_retries > 0;
  buildRequestHead();
  const auto& route = *req.route->config;
  timer_.enableOnce(route.timeout.value_or(cluster_->config().request_timeout));
  attempt(nullptr);
}

void ProxyStream::buildRequestHead() {
  const RequestInfo& req = conn_.request();
  const config::Route& route = *req.route->config;
  head_.reserve(512);
  head_ += req.head.method;
  head_ += ' ';
  if (!route.prefix_rewrite.empty() && route.match == config::PathMatch::kPrefix) {
    head_ += route.prefix_rewrite;
    head_ += std::string_view(req.head.url).substr(route.path.size());
  } else {
    head_ += req.head.url;
  }
  head_ += " HTTP/1.1\r\n";
  std::string xff;
  bool has_host = false;
  for (const auto& h : req.head.headers.entries()) {
    if (http::iequals(h.name, "x-forwarded-for")) {
      if (!xff.empty()) xff += ", ";
      xff += h.value;
    }
    if (http::isHopByHop(h.name) || replacedHeader(h.name) ||
        req.head.headers.hasToken("connection", h.name)) {
      continue;
    }
    has_host = has_host || http::iequals(h.name, "host");
    http::appendHeader(head_, h.name, h.value);
  }
  if (!has_host) http::appendHeader(head_, "Host", cluster_->config().hosts.front().host);
  http::appendHeader(head_, "X-Forwarded-For", xff.empty() ? conn_.peer() : xff + ", " + conn_.peer());
  http::appendHeader(head_, "X-Forwarded-Proto", conn_.tls() ? "https" : "http");
  http::appendHeader(head_, "X-Request-Id", req.request_id);
  if (!conn_.caller().empty()) http::appendHeader(head_, "X-Metrogw-Caller", conn_.caller());
  if (chunked_) http::appendHeader(head_, "Transfer-Encoding", "chunked");
  head_ += "\r\n";
}

void ProxyStream::attempt(const HostState* avoid) {
  ++attempts_;
  host_ = &cluster_->pickHost(avoid);
  conn_.request().upstream_host = host_->address->label;
  bool reused = false;
  upstream_ = cluster_->acquire(*host_, &reused);
  upstream_ready_ = false;
  upstream_start_ = RealTimeSource::instance().monotonicNow();
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

void ProxyStream::onUpstreamReady() {
  if (counted_pending_) {
    cluster_->addPending(-1);
    counted_pending_ = false;
  }
  upstream_ready_ = true;
  upstream_->setExpectNoBody(conn_.request().head.method == "HEAD");
  writeRequest();
}

void ProxyStream::writeRequest() {
  evbuffer* out = upstream_->output();
  evbuffer_add(out, head_.data(), head_.size());
  if (retrying_) {
    evbuffer_add(out, retry_copy_.data(), retry_copy_.size());
  } else {
    if (pending_) evbuffer_add_buffer(out, pending_.get());
  }
  upstream_->flushNow();
}

void ProxyStream::appendBody(std::string_view data) {
  const bool direct = upstream_ready_ && upstream_ != nullptr;
  evbuffer* target = direct ? upstream_->output() : pendingBuffer();
  const size_t before = evbuffer_get_length(target);
  if (chunked_) {
    http::writeChunk(target, data);
  } else {
    evbuffer_add(target, data.data(), data.size());
  }
  if (direct) upstream_->flush();
  if (!idempotent_ || !retry_copy_ok_) return;
  const size_t added = evbuffer_get_length(target) - before;
  if (retry_copy_.size() + added > kMaxRetryBody) {
    retry_copy_ok_ = false;
    retry_copy_.clear();
    return;
  }
  // Copy the framed bytes just appended (they are at the tail of `target`).
  std::string framed(added, '\0');
  evbuffer_ptr pos;
  evbuffer_ptr_set(target, &pos, before, EVBUFFER_PTR_SET);
  evbuffer_copyout_from(target, &pos, framed.data(), added);
  retry_copy_ += framed;
}

evbuffer* ProxyStream::pendingBuffer() {
  if (!pending_) pending_.reset(evbuffer_new());  // most requests reach a ready upstream, or have no body
  return pending_.get();
}

void ProxyStream::onRequestBody(std::string_view data) {
  if (finished_ || response_started_) return;
  appendBody(data);
}

void ProxyStream::onRequestComplete() {
  request_done_ = true;
  if (finished_ || !chunked_) return;
  evbuffer* target = (upstream_ready_ && upstream_ != nullptr) ? upstream_->output() : pendingBuffer();
  http::writeLastChunk(target);
  if (upstream_ready_ && upstream_ != nullptr) upstream_->flush();
  if (idempotent_ && retry_copy_ok_) retry_copy_ += "0\r\n\r\n";
}

bool ProxyStream::acceptingBody() const {
  const size_t hw = conn_.worker().snapshot()->config->limits.buffer_high_watermark;
  if (finished_) return true;  // body is discarded
  if (upstream_ready_ && upstream_ != nullptr) return upstream_->outputLength() <= hw;
  return !pending_ || evbuffer_get_length(pending_.get()) <= hw;
}

void ProxyStream::onUpstreamWritable() {
  if (!request_done_) conn_.resumeRequestBody();
}

void ProxyStream::onUpstreamHeaders(http::MessageHead& head) {
  status_ = head.status;
  cluster_->recordOutcome(*host_, head.status);
  const bool gateway_error = head.status >= 502 && head.status <= 504;
  if (gateway_error && cluster_->config().retry.retry_on_5xx && canRetry() && cluster_->tryStartRetry()) {
    UpstreamConnection* failed = upstream_;
    upstream_ = nullptr;
    failed->abandon();
    cluster_->cells().requests[codeClassIndex(head.status)]->inc();
    startRetry();
    return;
  }
  response_started_ = true;
  http::stripHopByHop(head.headers);
  conn_.beginResponse(head.status, head.headers,
                      responseFraming(head, conn_.request().head.method == "HEAD"));
}

void ProxyStream::onUpstreamBody(std::string_view data) {
  if (finished_) return;
  conn_.sendBody(data);
  if (!reading_paused_ && conn_.outputAboveWatermark()) {
    reading_paused_ = true;
    upstream_->pauseReading(true);
  }
}

void ProxyStream::onClientWritable() {
  if (reading_paused_ && upstream_ != nullptr) {
    reading_paused_ = false;
    upstream_->pauseReading(false);
  }
}

void ProxyStream::onUpstreamComplete() {
  ClusterCells& cells = cluster_->cells();
  cells.requests[codeClassIndex(status_)]->inc();
  cells.duration.observe(secondsBetween(upstream_start_, RealTimeSource::instance().monotonicNow()));
  UpstreamConnection* done = upstream_;
  upstream_ = nullptr;
  if (!request_done_)
    done->abandon();  // the upstream answered early; the request is unfinished
  else
    cluster_->releaseConnection(done);
  finish();
  conn_.endResponse();
}

void ProxyStream::onUpstreamError(UpstreamErrorKind kind, bool response_started) {
  if (counted_pending_) {
    cluster_->addPending(-1);
    counted_pending_ = false;
  }
  upstream_ = nullptr;
  countError(kind);
  cluster_->recordOutcome(*host_, 503);
  if (response_started) {
    finish();
    conn_.abortResponse();
    return;
  }
  if (kind != UpstreamErrorKind::kMalformed && retryIfPossible()) return;
  switch (kind) {
    case UpstreamErrorKind::kConnect:
      failWith(http::Problem::kUpstreamUnavailable, "cannot connect to upstream");
      break;
    case UpstreamErrorKind::kTls:
      failWith(http::Problem::kBadGateway, "upstream TLS handshake failed");
      break;
    case UpstreamErrorKind::kMalformed:
      failWith(http::Problem::kBadGateway, "upstream answer is not valid HTTP");
      break;
    case UpstreamErrorKind::kTimeout:
      failWith(http::Problem::kUpstreamTimeout, "upstream did not answer in time");
      break;
    case UpstreamErrorKind::kReset:
      failWith(http::Problem::kBadGateway, "upstream closed the connection");
      break;
  }
}

bool ProxyStream::canRetry() const {
  if (!idempotent_ || !retry_copy_ok_ || finished_) return false;
  if (attempts_ > cluster_->config().retry.max_retries) return false;
  // The whole request must be in hand to be sent again.
  return request_done_ || !conn_.request().head.hasBody();
}

bool ProxyStream::retryIfPossible() {
  if (!canRetry() || !cluster_->tryStartRetry()) return false;
  startRetry();
  return true;
}

void ProxyStream::startRetry() {
  // The retry holds its place in the budget until the stream finishes.
  if (!holds_retry_budget_) {
    holds_retry_budget_ = true;
  } else {
    cluster_->endRetry();
  }
  retrying_ = true;
  conn_.request().retries++;
  conn_.request().addFlag("RE");
  attempt(host_);
}

void ProxyStream::onTimeout() {
  if (finished_) return;
  if (upstream_ != nullptr) {
    UpstreamConnection* u = upstream_;
    upstream_ = nullptr;
    u->abandon();
  }
  if (counted_pending_) {
    cluster_->addPending(-1);
    counted_pending_ = false;
  }
  countError(UpstreamErrorKind::kTimeout);
  cluster_->recordOutcome(*host_, 504);
  conn_.request().addFlag("UT");
  if (response_started_) {
    finish();
    conn_.abortResponse();
    return;
  }
  failWith(http::Problem::kUpstreamTimeout, "upstream did not answer in time");
}

void ProxyStream::failWith(http::Problem problem, std::string_view detail) {
  finish();
  conn_.sendProblem(problem, detail);
}

void ProxyStream::countError(UpstreamErrorKind kind) {
  cluster_->cells().errors[static_cast<size_t>(kind)]->inc();
}

void ProxyStream::onClientGone() {
  if (upstream_ != nullptr) {
    UpstreamConnection* u = upstream_;
    upstream_ = nullptr;
    u->abandon();
  }
  finish();
}

void ProxyStream::finish() {
  if (finished_) return;
  finished_ = true;
  timer_.disable();
  if (counted_pending_) {
    cluster_->addPending(-1);
    counted_pending_ = false;
  }
  if (upstream_ != nullptr) {
    UpstreamConnection* u = upstream_;
    upstream_ = nullptr;
    u->abandon();
  }
  if (holds_retry_budget_) {
    holds_retry_budget_ = false;
    cluster_->endRetry();
  }
  if (admitted_) {
    admitted_ = false;
    cluster_->release();
  }
}

}  // namespace metrogw::gateway
