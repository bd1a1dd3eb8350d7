// Admin HTTP server: evhttp on a dedicated Dispatcher thread serving metrics, health and readiness.
#include "observability/admin_server.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/event_loop.h"
#include "common/logging.h"

namespace metrogw::observability {
namespace {

constexpr int kRequestTimeoutSeconds = 10;
constexpr ev_ssize_t kMaxHeadersBytes = 16L * 1024;
constexpr ev_ssize_t kMaxBodyBytes = 64L * 1024;
// Every method evhttp knows, so that anything but GET/HEAD reaches our handler and gets a 405
// (evhttp itself would answer 501 for methods outside this set).
constexpr ev_uint16_t kAllMethods = EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                                    EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH;

struct EvhttpDeleter {
  void operator()(evhttp* h) const { evhttp_free(h); }
};
using EvhttpPtr = std::unique_ptr<evhttp, EvhttpDeleter>;

AdminResponse problem(int status, const char* type, const char* title) {
  AdminResponse r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = std::string(R"({"type":"urn:metrogw:problem:)") + type + R"(","title":")" + title +
           R"(","status":)" + std::to_string(status) + "}";
  return r;
}

const char* reasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : "Error";
  }
}

uint16_t boundPort(evutil_socket_t fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

std::string requestPath(evhttp_request* req) {
  const evhttp_uri* uri = evhttp_request_get_evhttp_uri(req);
  const char* path = uri != nullptr ? evhttp_uri_get_path(uri) : nullptr;
  return path != nullptr && *path != '\0' ? path : "/";
}

}  // namespace

struct AdminServer::Impl {
  explicit Impl(Registry& r) : registry(r) {}

  static void onRequest(evhttp_request* req, void* arg) { static_cast<Impl*>(arg)->handle(req); }
  void handle(evhttp_request* req);
  AdminResponse route(const std::string& path);
  AdminResponse readiness();
  void stop();

  Registry& registry;
  // Written before start() only; read on the admin thread afterwards.
  std::unordered_map<std::string, AdminHandler> handlers;
  std::vector<ReadinessCheck> checks;
  std::vector<ReadinessCheck> notes;
  std::atomic<bool> draining{false};
  std::atomic<uint16_t> port{0};
  bool started = false;  // owner thread only
  std::unique_ptr<Dispatcher> dispatcher;
  EvhttpPtr http;
  std::thread thread;
};

AdminResponse AdminServer::Impl::readiness() {
  std::string reasons;
  if (draining.load(std::memory_order_acquire)) reasons += "draining\n";
  for (const auto& check : checks) {
    const std::string reason = check();
    if (!reason.empty()) reasons += reason + "\n";
  }
  if (reasons.empty()) {
    std::string body = "ready\n";
    for (const auto& note : notes) {
      const std::string text = note();
      if (!text.empty()) body += "degraded: " + text + "\n";
    }
    return {200, "text/plain; charset=utf-8", std::move(body)};
  }
  return {503, "text/plain; charset=utf-8", std::move(reasons)};
}

AdminResponse AdminServer::Impl::route(const std::string& path) {
  if (path == "/metrics") return {200, "text/plain; version=0.0.4; charset=utf-8", registry.renderText()};
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/readyz") return readiness();
  const auto it = handlers.find(path);
  if (it != handlers.end()) return it->second();
  return problem(404, "not-found", "Not Found");
}

void AdminServer::Impl::handle(evhttp_request* req) {
  const evhttp_cmd_type method = evhttp_request_get_command(req);
  evkeyvalq* headers = evhttp_request_get_output_headers(req);
  AdminResponse response;
  if (method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD) {
    response = route(requestPath(req));
  } else {
    response = problem(405, "method-not-allowed", "Method Not Allowed");
    evhttp_add_header(headers, "Allow", "GET, HEAD");
  }
  evhttp_add_header(headers, "Content-Type", response.content_type.c_str());
  evhttp_add_header(headers, "Cache-Control", "no-store");
  if (method == EVHTTP_REQ_HEAD) {
    // evhttp would send a HEAD body as is; announce its length instead, as GET would.
    evhttp_add_header(headers, "Content-Length", std::to_string(response.body.size()).c_str());
  } else {
    evbuffer_add(evhttp_request_get_output_buffer(req), response.body.data(), response.body.size());
  }
  evhttp_send_reply(req, response.status, reasonPhrase(response.status), nullptr);
}

void AdminServer::Impl::stop() {
  if (thread.joinable()) {
    Dispatcher* d = dispatcher.get();
    d->post([d] { d->exit(); });
    thread.join();
  }
  http.reset();  // the loop is no longer running, so freeing from this thread is safe
  dispatcher.reset();
}

AdminServer::AdminServer(Registry& registry) : impl_(std::make_unique<Impl>(registry)) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::addHandler(const std::string& path, AdminHandler handler) {
  if (impl_->started) {
    log::error("admin", "addHandler after start() ignored: " + path);
    return;
  }
  impl_->handlers[path] = std::move(handler);
}

void AdminServer::addReadinessCheck(ReadinessCheck check) {
  if (impl_->started) {
    log::error("admin", "addReadinessCheck after start() ignored");
    return;
  }
  impl_->checks.push_back(std::move(check));
}

void AdminServer::addReadinessNote(ReadinessCheck note) {
  if (impl_->started) {
    log::error("admin", "addReadinessNote after start() ignored");
    return;
  }
  impl_->notes.push_back(std::move(note));
}

Status AdminServer::start(const std::string& address, uint16_t port) {
  if (impl_->started) return Status::invalidArgument("admin server already started");
  auto dispatcher = std::make_unique<Dispatcher>();
  EvhttpPtr http(evhttp_new(dispatcher->base()));
  if (!http) return Status::internal("admin server: evhttp_new failed");
  evhttp_set_timeout(http.get(), kRequestTimeoutSeconds);
  evhttp_set_max_headers_size(http.get(), kMaxHeadersBytes);
  evhttp_set_max_body_size(http.get(), kMaxBodyBytes);
  evhttp_set_allowed_methods(http.get(), kAllMethods);
  evhttp_set_gencb(http.get(), &Impl::onRequest, impl_.get());
  errno = 0;
  evhttp_bound_socket* bound = evhttp_bind_socket_with_handle(http.get(), address.c_str(), port);
  if (bound == nullptr) {
    const int err = errno;
    return Status::ioError("admin server: cannot listen on " + address + ":" + std::to_string(port) +
                           (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
  }
  impl_->port.store(boundPort(evhttp_bound_socket_get_fd(bound)), std::memory_order_release);
  impl_->http = std::move(http);
  impl_->dispatcher = std::move(dispatcher);
  impl_->started = true;
  impl_->thread = std::thread([d = impl_->dispatcher.get()] { d->run(); });
  return Status::ok();
}

uint16_t AdminServer::port() const { return impl_->port.load(std::memory_order_acquire); }

void AdminServer::setDraining(bool draining) { impl_->draining.store(draining, std::memory_order_release); }

void AdminServer::stop() { impl_->stop(); }

}  // namespace metrogw::observability
