// ServerConnection: request parsing loop, limits, timeouts and response writing.
#include "gateway/server/connection.h"

#include <event2/buffer.h>

#include <chrono>

#include "common/logging.h"
#include "gateway/http/writer.h"
#include "gateway/server/local_stream.h"
#include "gateway/server/proxy_stream.h"
#include "gateway/server/worker.h"
#include "gateway/tls/tls_context.h"

namespace metrogw::gateway {
namespace {

bool validRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

// RFC 9112 §3.2: HTTP/1.1 requests carry exactly one Host header; never more than one.
Status checkHost(const http::MessageHead& head) {
  size_t hosts = 0;
  for (const auto& h : head.headers.entries()) hosts += http::iequals(h.name, "host") ? 1 : 0;
  if (hosts > 1) return Status::malformedMessage("more than one Host header");
  if (hosts == 0 && head.version_major == 1 && head.version_minor >= 1) {
    return Status::malformedMessage("HTTP/1.1 request without Host header");
  }
  return Status::ok();
}

int64_t unixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ServerConnection::ServerConnection(Worker& worker, ListenerRuntime& listener, int fd, std::string peer,
                                   SSL* ssl)
    : worker_(worker),
      listener_(listener),
      peer_(std::move(peer)),
      transport_(acceptTransport(worker.dispatcher().base(), fd, ssl)),
      parser_(http::MessageKind::kRequest, *this, worker.snapshot()->config->limits.max_header_bytes),
      timer_(worker.dispatcher().base(), [this] { onTimeout(); }) {
  handshake_done_ = ssl == nullptr;
  listener_.cells.active.add(1);
  listener_.cells.total.inc();
}

ServerConnection::~ServerConnection() { listener_.cells.active.add(-1); }

const std::string& ServerConnection::listenerName() const { return listener_.name; }

void ServerConnection::start() {
  const auto& limits = worker_.snapshot()->config->limits;
  transport_->setCallbacks(this);
  transport_->setReadLimit(limits.buffer_high_watermark);
  // The header timeout also bounds the TLS handshake.
  armTimer(handshake_done_ ? TimerMode::kIdle : TimerMode::kHeaders);
}

void ServerConnection::drain() {
  draining_ = true;
  keep_alive_ = false;
  if (phase_ == Phase::kIdle && !response_started_) close();
}

size_t ServerConnection::outputLength() const { return evbuffer_get_length(transport_->output()); }

bool ServerConnection::outputAboveWatermark() const {
  return outputLength() > worker_.snapshot()->config->limits.buffer_high_watermark;
}

// ---- libevent callbacks ----

void ServerConnection::onTransportDrained() {
  if (closed_) return;
  if (closing_) {
    close();
    return;
  }
  if (stream_) stream_->onClientWritable();
}

void ServerConnection::onTransportEvent(TransportEvent event) {
  if (closed_) return;
  if (event == TransportEvent::kConnected) {
    handshake_done_ = true;
    caller_ = tls::peerSubject(transport_->ssl());
    armTimer(TimerMode::kIdle);
    processInput();
    return;
  }
  if (!handshake_done_) {
    listener_.cells.tls_failures.inc();
    log::debug("tls", "handshake failed from " + peer_ + ": " + tls::drainErrors());
  } else if (event == TransportEvent::kEof && phase_ == Phase::kWaiting && !response_complete_) {
    // Client half-closed after a complete request: still answer, then close.
    keep_alive_ = false;
    transport_->setReadEnabled(false);
    return;
  }
  close();
}

// ---- request parsing ----

void ServerConnection::processInput() {
  if (in_process_ || closed_ || closing_) return;
  in_process_ = true;
  while (!closed_ && !closing_ && parseSome()) {
  }
  in_process_ = false;
  if (!closed_) transport_->inputConsumed();
}

// Parses one contiguous piece of input. Returns true when it made progress and should be called again.
bool ServerConnection::parseSome() {
  if (parser_.paused()) {
    if (!(request_complete_ && response_complete_)) return false;
    finishExchange();
    return !closed_ && !closing_;
  }
  if (stream_ && !stream_->acceptingBody()) return false;
  evbuffer* in = transport_->input();
  if (evbuffer_get_length(in) == 0) return false;
  if (phase_ == Phase::kIdle) {
    phase_ = Phase::kHeaders;
    armTimer(TimerMode::kHeaders);
  }
  evbuffer_iovec vec;
  if (evbuffer_peek(in, -1, nullptr, &vec, 1) < 1) return false;
  const http::ParseResult r = parser_.execute(static_cast<const char*>(vec.iov_base), vec.iov_len);
  evbuffer_drain(in, r.consumed);
  if (r.error != http::ParseError::kNone) {
    onParseError(r.error);
    return false;
  }
  if (phase_ == Phase::kBody && !request_complete_) armTimer(TimerMode::kBody);
  return r.consumed > 0;
}

void ServerConnection::onParseError(http::ParseError error) {
  if (error == http::ParseError::kAborted) return;  // an answer is already on its way
  const bool too_large = error == http::ParseError::kHeaderTooLarge;
  listener_.cells.protocol_errors[too_large ? 1 : 0]->inc();
  keep_alive_ = false;
  if (response_started_) {
    close();
    return;
  }
  dropStream();
  if (request_.request_id.empty()) assignRequestId();
  request_complete_ = true;
  sendProblem(too_large ? http::Problem::kHeaderTooLarge : http::Problem::kMalformedRequest,
              too_large ? "request head exceeds the configured limit" : parser_.lastErrorName());
  // The parser cannot continue after an error: answer, then close.
  recordExchange();
  closeAfterWrite();
}

bool ServerConnection::onHeaders(http::MessageHead& head) {
  request_.reset();
  request_.snapshot = worker_.snapshot();
  // Swapped, not moved: the parser clears the head it gets back and reuses its buffers.
  std::swap(request_.head, head);
  request_.start = RealTimeSource::instance().monotonicNow();
  response_started_ = response_complete_ = request_complete_ = false;
  framing_ = Framing::kNone;
  assignRequestId();
  const auto& limits = worker_.snapshot()->config->limits;
  if (!request_.head.keep_alive || draining_) keep_alive_ = false;
  expect_continue_ = request_.head.headers.hasToken("expect", "100-continue");
  phase_ = request_.head.hasBody() ? Phase::kBody : Phase::kWaiting;
  if (request_.head.content_length.value_or(0) > limits.max_body_bytes) {
    listener_.cells.protocol_errors[2]->inc();
    keep_alive_ = false;
    sendProblem(http::Problem::kBodyTooLarge, "request body exceeds the configured limit");
    closeAfterWrite();
    return false;
  }
  if (Status host = checkHost(request_.head); !host.isOk()) {
    listener_.cells.protocol_errors[0]->inc();
    keep_alive_ = false;
    sendProblem(http::Problem::kMalformedRequest, host.message());
    closeAfterWrite();
    return false;
  }
  if (request_.head.upgrade) {
    keep_alive_ = false;
    sendProblem(http::Problem::kNotImplemented, "protocol upgrade is not supported");
    closeAfterWrite();
    return false;
  }
  return routeRequest();
}

bool ServerConnection::routeRequest() {
  const Snapshot& snap = *request_.snapshot;
  RouteMatch m = snap.router.match(request_.head.method, request_.head.path(), listener_.name);
  if (m.route == nullptr) {
    if (request_.head.hasBody()) keep_alive_ = false;  // we will not read the body
    sendProblem(m.method_mismatch ? http::Problem::kMethodNotAllowed : http::Problem::kNotFound,
                m.method_mismatch ? "method not allowed on this path" : "no route matches this path");
    if (request_.head.hasBody()) closeAfterWrite();
    return !request_.head.hasBody();
  }
  request_.route = m.route;
  request_.params = std::move(m.params);
  const config::Route& route = *m.route->config;
  if (!route.scopes.empty() && !callerHasScope(*snap.config, route)) {
    if (request_.head.hasBody()) keep_alive_ = false;  // we will not read the body
    sendProblem(http::Problem::kCallerNotAllowed,
                caller_.empty() ? "this route needs a partner certificate with one of its scopes"
                                : "the caller's certificate does not grant a scope this route needs");
    if (request_.head.hasBody()) closeAfterWrite();
    return !request_.head.hasBody();
  }
  if (!route.handler.empty()) {
    startStream(std::make_unique<LocalStream>(*this, *worker_.handler(route.handler)));
  } else {
    startStream(std::make_unique<ProxyStream>(*this, worker_.clusterForRoute(m.route->index)));
  }
  return !closed_;
}

bool ServerConnection::callerHasScope(const config::Config& config, const config::Route& route) const {
  for (const config::Listener& l : config.listeners) {
    if (l.name == listener_.name) return config.callerMayUse(route, caller_, l);
  }
  return false;
}

void ServerConnection::startStream(std::unique_ptr<Stream> stream) {
  stream_ = std::move(stream);
  if (expect_continue_ && phase_ == Phase::kBody) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    evbuffer_add(out(), kContinue.data(), kContinue.size());
    transport_->flushSoon();
  }
  stream_->start();
}

bool ServerConnection::onBody(std::string_view data) {
  request_.bytes_in += data.size();
  if (request_.bytes_in > worker_.snapshot()->config->limits.max_body_bytes) {
    listener_.cells.protocol_errors[2]->inc();
    keep_alive_ = false;
    if (!response_started_) {
      dropStream();
      sendProblem(http::Problem::kBodyTooLarge, "request body exceeds the configured limit");
      closeAfterWrite();
    } else {
      close();
    }
    return false;
  }
  if (stream_) stream_->onRequestBody(data);
  return !closed_;
}

void ServerConnection::onMessageComplete() {
  request_complete_ = true;
  phase_ = Phase::kWaiting;
  armTimer(TimerMode::kNone);
  if (stream_) stream_->onRequestComplete();
}

void ServerConnection::resumeRequestBody() {
  if (!in_process_) processInput();
}

// ---- timers ----

void ServerConnection::armTimer(TimerMode mode) {
  timer_mode_ = mode;
  const auto& limits = worker_.snapshot()->config->limits;
  switch (mode) {
    case TimerMode::kNone: timer_.disable(); break;
    case TimerMode::kIdle: timer_.enableOnce(limits.idle_timeout); break;
    case TimerMode::kHeaders: timer_.enableOnce(limits.header_timeout); break;
    case TimerMode::kBody: timer_.enableOnce(limits.body_timeout); break;
  }
}

void ServerConnection::onTimeout() {
  if (timer_mode_ == TimerMode::kIdle || !handshake_done_) {
    close();
    return;
  }
  listener_.cells.protocol_errors[3]->inc();
  keep_alive_ = false;
  if (response_started_) {
    close();
    return;
  }
  dropStream();
  if (request_.request_id.empty()) assignRequestId();
  request_complete_ = true;
  request_.addFlag("RT");
  sendProblem(http::Problem::kRequestTimeout, timer_mode_ == TimerMode::kHeaders
                                                  ? "request head not received in time"
                                                  : "request body not received in time");
}

// ---- responses ----

void ServerConnection::writeHead(int status, const http::HeaderMap* headers, std::string_view content_type,
                                 uint64_t length, Framing framing) {
  std::string& out = head_scratch_;  // reused: its capacity outlives the request
  out.clear();
  http::appendStatusLine(out, status);
  if (headers != nullptr) http::appendHeaders(out, *headers);
  if (!content_type.empty()) http::appendHeader(out, "Content-Type", content_type);
  if (framing == Framing::kLength) http::appendHeader(out, "Content-Length", std::to_string(length));
  if (framing == Framing::kChunked) http::appendHeader(out, "Transfer-Encoding", "chunked");
  if (headers == nullptr || headers->get("x-request-id") == nullptr) {
    http::appendHeader(out, "X-Request-Id", request_.request_id);
  }
  if (framing == Framing::kClose) keep_alive_ = false;
  if (!keep_alive_) {
    http::appendHeader(out, "Connection", "close");
  } else if (request_.head.version_minor == 0) {
    http::appendHeader(out, "Connection", "keep-alive");
  }
  out.append("\r\n");
  evbuffer_add(this->out(), out.data(), out.size());
  transport_->flushSoon();
  request_.status = status;
  response_started_ = true;
  framing_ = framing;
}

void ServerConnection::sendLocal(LocalResponse response) {
  if (closed_ || response_started_) return;
  if (!request_complete_ && phase_ == Phase::kBody) keep_alive_ = false;
  const bool head_only = request_.head.method == "HEAD";
  writeHead(response.status, &response.headers, response.content_type, response.body.size(),
            Framing::kLength);
  if (!head_only) {
    evbuffer_add(out(), response.body.data(), response.body.size());
    request_.bytes_out += response.body.size();
  }
  endResponse();
}

void ServerConnection::sendProblem(http::Problem problem, std::string_view detail) {
  if (closed_ || response_started_) return;
  LocalResponse r = LocalResponse::problem(problem, detail, request_.request_id);
  sendLocal(std::move(r));
}

void ServerConnection::beginResponse(int status, http::HeaderMap& headers, Framing framing) {
  if (!request_complete_ && phase_ == Phase::kBody) keep_alive_ = false;  // body left unread: say so
  if (framing == Framing::kChunked && request_.head.version_minor == 0) framing = Framing::kClose;
  writeHead(status, &headers, {}, 0, framing == Framing::kLength ? Framing::kNone : framing);
  framing_ = framing;
}

void ServerConnection::sendBody(std::string_view data) {
  if (closed_) return;
  request_.bytes_out += data.size();
  if (framing_ == Framing::kChunked) {
    http::writeChunk(out(), data);
  } else {
    evbuffer_add(out(), data.data(), data.size());
  }
  transport_->flushSoon();
}

void ServerConnection::endResponse() {
  if (closed_) return;
  if (framing_ == Framing::kChunked && request_.head.method != "HEAD") {
    http::writeLastChunk(out());
  }
  transport_->flushNow();
  response_complete_ = true;
  if (!request_complete_ && phase_ == Phase::kBody) keep_alive_ = false;  // body left unread
  maybeFinishExchange();
}

void ServerConnection::abortResponse() {
  request_.addFlag("UA");
  recordExchange();
  close();
}

void ServerConnection::maybeFinishExchange() {
  if (!response_complete_) return;
  if (!request_complete_ && !keep_alive_) {
    recordExchange();
    closeAfterWrite();
    return;
  }
  if (request_complete_ && !in_process_) {
    finishExchange();
    processInput();
  }
}

void ServerConnection::finishExchange() {
  recordExchange();
  if (stream_) worker_.dispatcher().deferredDelete(std::move(stream_));
  if (!keep_alive_) {
    closeAfterWrite();
    return;
  }
  request_.reset();
  response_started_ = response_complete_ = request_complete_ = false;
  phase_ = Phase::kIdle;
  parser_.resume();
  armTimer(TimerMode::kIdle);
}

void ServerConnection::recordExchange() {
  if (request_.status == 0) return;
  const size_t cls = codeClassIndex(request_.status);
  const double secs = secondsBetween(request_.start, RealTimeSource::instance().monotonicNow());
  RouteCells& cells = request_.route != nullptr ? worker_.routeCells(listener_.index, request_.route->index)
                                                : worker_.unroutedCells(listener_.index);
  cells.requests[cls]->inc();
  cells.duration[cls]->observe(secs);
  if (observability::AccessLog* log = worker_.accessLog()) {
    observability::AccessLogEntry e;
    // The wall clock is read only here, for the log: start = now - duration.
    e.start_unix_ms = unixMillis() - static_cast<int64_t>(secs * 1000);
    e.request_id = request_.request_id;
    e.listener = listener_.name;
    e.peer_address = peer_;
    e.caller = caller_;
    e.method = request_.head.method;
    e.path = request_.head.path();
    e.status = request_.status;
    if (request_.route != nullptr) {
      e.route = request_.route->config->name;
      e.cluster = request_.route->config->cluster;
    }
    e.upstream_host = request_.upstream_host;
    e.bytes_received = request_.bytes_in;
    e.bytes_sent = request_.bytes_out;
    e.duration_ms = secs * 1000.0;
    e.retries = request_.retries;
    e.flags = request_.flags;
    log->record(e);
  }
  request_.status = 0;  // recorded once
}

void ServerConnection::assignRequestId() {
  const std::string* given = request_.head.headers.get("x-request-id");
  if (given != nullptr && validRequestId(*given)) {
    request_.request_id = *given;
  } else {
    worker_.nextRequestId(request_.request_id);
  }
}

// ---- closing ----

void ServerConnection::dropStream() {
  if (!stream_) return;
  stream_->onClientGone();
  worker_.dispatcher().deferredDelete(std::move(stream_));
}

void ServerConnection::closeAfterWrite() {
  if (closed_ || closing_) return;
  closing_ = true;
  armTimer(TimerMode::kNone);
  transport_->setReadEnabled(false);
  dropStream();
  if (outputLength() == 0) {
    close();
    return;
  }
  // Bound how long a client that does not read may hold the connection.
  timer_mode_ = TimerMode::kIdle;
  timer_.enableOnce(worker_.snapshot()->config->limits.idle_timeout);
}

void ServerConnection::close() {
  if (closed_) return;
  closed_ = true;
  timer_.disable();
  if (phase_ != Phase::kIdle && !response_started_ && !request_.head.method.empty()) {
    request_.status = 499;  // client went away before the answer (nginx's convention)
    request_.addFlag("CC");
    recordExchange();
  }
  dropStream();
  transport_->close();
  worker_.removeConnection(this);  // hands us to deferred delete
}

}  // namespace metrogw::gateway
