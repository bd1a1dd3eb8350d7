// A small HTTP/1.1 server on libevent's evhttp for the simulated HTTP platforms (fhir-r4,
// hl7v3-cda). One handler gets every request; it runs on the event loop thread and must not block.
#pragma once

#include <event2/event.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

struct evhttp;
struct evhttp_request;

namespace metrogw::sim {

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string target;  // path and query as received
  std::string content_type;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  static constexpr size_t kMaxBodyBytes = size_t{4} * 1024 * 1024;
  static constexpr int kTimeoutSeconds = 30;

  // Listens on host:port (0 = any free port) on `base`; errors are ioError.
  [[nodiscard]] static StatusOr<std::unique_ptr<HttpServer>> start(event_base* base, const std::string& host,
                                                                   uint16_t port, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  [[nodiscard]] uint16_t port() const { return port_; }

 private:
  explicit HttpServer(HttpHandler handler) : handler_(std::move(handler)) {}
  static void onRequest(::evhttp_request* req, void* arg);

  HttpHandler handler_;
  evhttp* http_ = nullptr;
  uint16_t port_ = 0;
};

}  // namespace metrogw::sim
