// ServerConnection: one client connection (plain or TLS). Parses requests one at a time
// (pipelined requests wait in the input buffer), enforces limits and timeouts, routes each
// request to a Stream and writes its response. Owned by its Worker; destroyed through the
// dispatcher's deferred delete, so any callback may close it.
#pragma once

#include <memory>
#include <string>

#include "common/event_loop.h"
#include "gateway/handler.h"
#include "gateway/http/parser.h"
#include "gateway/http/problem.h"
#include "gateway/server/request_info.h"
#include "gateway/server/stream.h"
#include "gateway/transport/transport.h"

namespace metrogw::gateway {

class Worker;
struct ListenerRuntime;

// How the response body is framed towards the client.
enum class Framing { kNone, kLength, kChunked, kClose };

class ServerConnection : public DeferredDeletable, private http::ParserCallbacks, private TransportCallbacks {
 public:
  // Takes ownership of `fd` and of `ssl` (null on plain listeners).
  ServerConnection(Worker& worker, ListenerRuntime& listener, int fd, std::string peer, SSL* ssl);
  ~ServerConnection() override;
  ServerConnection(const ServerConnection&) = delete;
  ServerConnection& operator=(const ServerConnection&) = delete;

  void start();
  // Drain: finish the exchange in flight, then close; idle connections close now.
  void drain();
  // Closes now, whatever is in flight (worker shutdown after the drain deadline).
  void forceClose() { close(); }

  // --- for streams ---
  [[nodiscard]] Worker& worker() { return worker_; }
  [[nodiscard]] RequestInfo& request() { return request_; }
  [[nodiscard]] const std::string& peer() const { return peer_; }
  [[nodiscard]] const std::string& caller() const { return caller_; }
  // Whether the caller holds one of `route`'s scopes (config::Config::callerMayUse).
  [[nodiscard]] bool callerHasScope(const config::Config& config, const config::Route& route) const;
  [[nodiscard]] bool tls() const { return transport_->ssl() != nullptr; }
  [[nodiscard]] const std::string& listenerName() const;
  [[nodiscard]] bool responseStarted() const { return response_started_; }
  [[nodiscard]] bool requestComplete() const { return request_complete_; }
  [[nodiscard]] size_t outputLength() const;
  [[nodiscard]] bool outputAboveWatermark() const;

  void sendLocal(LocalResponse response);
  void sendProblem(http::Problem problem, std::string_view detail);
  // `headers` are the upstream's, already stripped of hop-by-hop fields.
  void beginResponse(int status, http::HeaderMap& headers, Framing framing);
  void sendBody(std::string_view data);
  void endResponse();
  // The response cannot be completed (upstream died mid-body): close without finishing it.
  void abortResponse();
  // The stream can take more request body again.
  void resumeRequestBody();

 private:
  enum class Phase { kIdle, kHeaders, kBody, kWaiting };
  enum class TimerMode { kNone, kIdle, kHeaders, kBody };

  void onTransportRead() override { processInput(); }
  void onTransportDrained() override;
  void onTransportEvent(TransportEvent event) override;
  [[nodiscard]] evbuffer* out() { return transport_->output(); }
  void processInput();
  [[nodiscard]] bool parseSome();
  void onParseError(http::ParseError error);
  bool onHeaders(http::MessageHead& head) override;
  bool onBody(std::string_view data) override;
  void onMessageComplete() override;
  bool routeRequest();
  void startStream(std::unique_ptr<Stream> stream);
  void maybeFinishExchange();
  void finishExchange();
  void recordExchange();
  void armTimer(TimerMode mode);
  void onTimeout();
  void writeHead(int status, const http::HeaderMap* headers, std::string_view content_type, uint64_t length,
                 Framing framing);
  // Tells the current stream the client is gone and hands it to deferred deletion.
  void dropStream();
  void closeAfterWrite();
  void close();
  void assignRequestId();

  Worker& worker_;
  ListenerRuntime& listener_;
  std::string peer_;
  std::string caller_;
  std::string head_scratch_;  // response heads are built here (capacity reused across requests)
  std::unique_ptr<Transport> transport_;
  http::Parser parser_;
  Timer timer_;
  TimerMode timer_mode_ = TimerMode::kNone;
  Phase phase_ = Phase::kIdle;
  RequestInfo request_;
  std::unique_ptr<Stream> stream_;
  Framing framing_ = Framing::kNone;
  bool handshake_done_ = false;
  bool response_started_ = false;
  bool response_complete_ = false;
  bool request_complete_ = false;
  bool keep_alive_ = true;
  bool expect_continue_ = false;
  bool in_process_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool draining_ = false;
};

}  // namespace metrogw::gateway
