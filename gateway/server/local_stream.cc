// LocalStream implementation and LocalResponse helpers.
#include "gateway/server/local_stream.h"

#include "gateway/server/connection.h"

namespace metrogw::gateway {

LocalResponse LocalResponse::json(int status, std::string body) {
  LocalResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

LocalResponse LocalResponse::problem(http::Problem p, std::string_view detail, std::string_view request_id) {
  LocalResponse r;
  r.status = http::problemInfo(p).status;
  r.content_type = "application/problem+json";
  r.body = http::problemBody(p, detail, request_id);
  return r;
}

std::vector<std::string> HandlerRegistry::names() const {
  std::vector<std::string> out;
  out.reserve(factories_.size());
  for (const auto& [name, _] : factories_) out.push_back(name);
  return out;
}

LocalStream::LocalStream(ServerConnection& connection, LocalHandler& handler)
    : conn_(connection), handler_(handler) {}

LocalStream::~LocalStream() { *alive_ = false; }

void LocalStream::start() {
  if (conn_.requestComplete() || !conn_.request().head.hasBody()) onRequestComplete();
}

void LocalStream::onRequestComplete() {
  if (called_) return;
  called_ = true;
  const RequestInfo& req = conn_.request();
  const LocalRequest request{req.head,       body_,          req.params,
                             conn_.caller(), req.request_id, conn_.listenerName()};
  std::weak_ptr<bool> alive = alive_;
  ServerConnection* conn = &conn_;
  handler_.handle(request, [alive, conn](LocalResponse response) {
    const auto a = alive.lock();
    if (a && *a) conn->sendLocal(std::move(response));
  });
}

}  // namespace metrogw::gateway
