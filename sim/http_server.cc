#include "sim/http_server.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace metrogw::sim {
namespace {

[[nodiscard]] const char* methodName(evhttp_cmd_type cmd) {
  switch (cmd) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_PATCH: return "PATCH";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    default: return "OTHER";
  }
}

[[nodiscard]] std::string drain(evbuffer* buf) {
  std::string out(evbuffer_get_length(buf), '\0');
  if (!out.empty()) evbuffer_remove(buf, out.data(), out.size());
  return out;
}

[[nodiscard]] const char* reasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 422: return "Unprocessable Entity";
    case 501: return "Not Implemented";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

}  // namespace

StatusOr<std::unique_ptr<HttpServer>> HttpServer::start(event_base* base, const std::string& host,
                                                        uint16_t port, HttpHandler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(handler)));
  server->http_ = evhttp_new(base);
  if (server->http_ == nullptr) return Status::internal("http: evhttp_new failed");
  evhttp_set_max_body_size(server->http_, kMaxBodyBytes);
  evhttp_set_timeout(server->http_, kTimeoutSeconds);
  evhttp_set_allowed_methods(server->http_, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
                                                EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD);
  evhttp_set_gencb(server->http_, &HttpServer::onRequest, server.get());
  evhttp_bound_socket* bound = evhttp_bind_socket_with_handle(server->http_, host.c_str(), port);
  if (bound == nullptr) return Status::ioError("listen: cannot bind " + host + ":" + std::to_string(port));
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(evhttp_bound_socket_get_fd(bound), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Status::ioError("listen: getsockname failed");
  }
  server->port_ = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                             : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return server;
}

HttpServer::~HttpServer() {
  if (http_ != nullptr) evhttp_free(http_);
}

void HttpServer::onRequest(evhttp_request* req, void* arg) {
  auto* self = static_cast<HttpServer*>(arg);
  HttpRequest request;
  request.method = methodName(evhttp_request_get_command(req));
  request.target = evhttp_request_get_uri(req);
  const char* ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
  request.content_type = ct ? ct : "";
  request.body = drain(evhttp_request_get_input_buffer(req));
  const HttpResponse response = self->handler_(request);
  evkeyvalq* headers = evhttp_request_get_output_headers(req);
  if (!response.content_type.empty())
    evhttp_add_header(headers, "Content-Type", response.content_type.c_str());
  evbuffer* out = evbuffer_new();
  evbuffer_add(out, response.body.data(), response.body.size());
  evhttp_send_reply(req, response.status, reasonPhrase(response.status), out);
  evbuffer_free(out);
}

}  // namespace metrogw::sim
