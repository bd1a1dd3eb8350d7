#include "identity/index/handlers.h"

#include <map>
#include <mutex>
#include <variant>

#include "adapters/codec.h"
#include "identity/index/request.h"
#include "identity/index/service.h"

namespace metrogw::identity::index {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;
using gateway::http::Problem;

[[nodiscard]] Problem problemFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound: return Problem::kUnknownPatient;
    case StatusCode::kUpstreamUnavailable: return Problem::kUpstreamUnavailable;
    case StatusCode::kUpstreamTimeout: return Problem::kUpstreamTimeout;
    case StatusCode::kInvalidArgument: return Problem::kNotImplemented;  // identity not configured
    default: return Problem::kInternal;
  }
}

[[nodiscard]] LocalResponse failure(const Status& s, const std::string& request_id) {
  return LocalResponse::problem(problemFor(s), s.message(), request_id);
}

// The cross-reference as JSON, or the problem for a failed resolve/lookup.
[[nodiscard]] LocalResponse resolvedResponse(const StatusOr<Resolved>& r, const std::string& request_id) {
  if (!r.isOk()) return failure(r.status(), request_id);
  return LocalResponse::json(200, toJson(r->token, *r->ref, r->source));
}

[[nodiscard]] std::string paramOf(const LocalRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.params) {
    if (k == name) return v;
  }
  return "";
}

// Base: one Service per worker, shared node state.
class IdentityHandler : public gateway::LocalHandler {
 public:
  explicit IdentityHandler(std::shared_ptr<Service> service) : service_(std::move(service)) {}

 protected:
  // Checks the service is usable; answers the problem and returns false otherwise.
  bool ready(const LocalRequest& request, Respond& respond) {
    if (Status s = service_->ready(); !s.isOk()) {
      respond(LocalResponse::problem(Problem::kNotImplemented,
                                     "identity is not available on this node: " + s.message(),
                                     request.request_id));
      return false;
    }
    return true;
  }
  // The {token} path parameter, checked for format and key id; answers and returns "" when bad.
  std::string token(const LocalRequest& request, Respond& respond) {
    std::string t = paramOf(request, "token");
    auto parts = parseToken(t);
    if (!parts.isOk()) {
      respond(
          LocalResponse::problem(Problem::kInvalidParameter, parts.status().message(), request.request_id));
      return "";
    }
    if (!service_->keyring().knowsKeyId(parts->key_id)) {
      respond(LocalResponse::problem(Problem::kUnknownPatient, "the token's key is not (or no longer) in use",
                                     request.request_id));
      return "";
    }
    return t;
  }
  std::shared_ptr<Service> service_;
};

class ResolveHandler final : public IdentityHandler {
 public:
  using IdentityHandler::IdentityHandler;
  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    auto parsed = parseResolveBody(request.body, service_->settings());
    if (auto* e = std::get_if<RequestError>(&parsed)) {
      respond(LocalResponse::problem(e->problem, e->detail, request.request_id));
      return;
    }
    const bool flagged = std::get<ParsedResolve>(parsed).check_flagged;
    service_->resolve(std::get<ParsedResolve>(parsed).subject,
                      [respond = std::move(respond), id = std::string(request.request_id),
                       flagged](const StatusOr<Resolved>& r) {
                        LocalResponse out = resolvedResponse(r, id);
                        if (flagged && r.isOk())
                          out.headers.add("X-Metrogw-Identifier-Flag", "check-character");
                        respond(std::move(out));
                      });
  }
};

class XrefHandler final : public IdentityHandler {
 public:
  using IdentityHandler::IdentityHandler;
  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    const std::string t = token(request, respond);
    if (t.empty()) return;
    service_->lookup(t, [respond = std::move(respond), id = std::string(request.request_id)](
                            const StatusOr<Resolved>& r) { respond(resolvedResponse(r, id)); });
  }
};

class ForgetHandler final : public IdentityHandler {
 public:
  using IdentityHandler::IdentityHandler;
  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    const std::string t = token(request, respond);
    if (t.empty()) return;
    service_->invalidate(
        {t}, "api", [respond = std::move(respond), id = std::string(request.request_id)](const Status& s) {
          if (!s.isOk()) {
            respond(failure(s, id));
            return;
          }
          LocalResponse out;
          out.status = 204;
          out.content_type.clear();
          respond(std::move(out));
        });
  }
};

// Tokens (under every key) of the identifiers a platform's patient record carries.
void collectTokens(const model::PatientT& p, const Keyring& keys, std::vector<std::string>& out) {
  for (const auto& ident : p.identifiers) {
    if (!ident) continue;
    const auto type = typeFromOid(ident->system);
    if (!type) continue;
    TypedIdOptions lenient;
    lenient.resident.check = CheckPolicy::kFlag;
    lenient.assigner = ident->assigner;
    auto typed = parseTypedId(*type, ident->value, lenient);
    if (const auto* id = std::get_if<TypedId>(&typed)) {
      for (auto& t : keys.allTokens(tokenSubject(*id))) out.push_back(std::move(t));
    }
  }
}

class PlatformEventsHandler final : public IdentityHandler {
 public:
  using IdentityHandler::IdentityHandler;
  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    const std::string id(request.request_id);
    const adapters::Codec* codec = nullptr;
    if (auto cfg = worker_config(); cfg && cfg->federation)
      codec = adapters::findCodec(cfg->federation->platform.dialect);
    if (codec == nullptr) {
      respond(LocalResponse::problem(Problem::kNotImplemented, "this node has no platform dialect", id));
      return;
    }
    auto env = codec->decode(request.body);
    if (!env.isOk()) {
      respond(LocalResponse::problem(Problem::kUnprocessable, env.status().message(), id));
      return;
    }
    std::vector<std::string> tokens;
    if (const auto* p = env->body.AsPatient()) collectTokens(*p, service_->keyring(), tokens);
    if (const auto* r = env->body.AsSearchResult()) {
      for (const auto& p : r->patients) {
        if (p) collectTokens(*p, service_->keyring(), tokens);
      }
    }
    if (tokens.empty()) {
      respond(LocalResponse::problem(Problem::kUnprocessable,
                                     "the message carries no patient identifier this node can tokenise", id));
      return;
    }
    const size_t count = tokens.size();
    service_->invalidate(tokens, "platform", [respond = std::move(respond), id, count](const Status& s) {
      if (!s.isOk()) {
        respond(failure(s, id));
        return;
      }
      respond(LocalResponse::json(200, R"({"invalidated_tokens":)" + std::to_string(count) + "}"));
    });
  }
  std::function<config::ConfigPtr()> worker_config;
};

// One Service (so one Redis connection) per worker, shared by that worker's identity handlers,
// which own it: it is destroyed with them, on the worker's thread.
class ServicePerWorker {
 public:
  explicit ServicePerWorker(std::shared_ptr<SharedState> shared) : shared_(std::move(shared)) {}
  std::shared_ptr<Service> get(gateway::WorkerContext& worker) {
    const std::lock_guard<std::mutex> lock(mu_);
    auto& slot = services_[worker.worker_index];
    auto service = slot.lock();
    if (!service) {
      service = std::make_shared<Service>(worker, shared_);
      slot = service;
    }
    return service;
  }

 private:
  std::shared_ptr<SharedState> shared_;
  std::mutex mu_;
  std::map<uint32_t, std::weak_ptr<Service>> services_;
};

}  // namespace

void registerHandlers(gateway::HandlerRegistry& registry) {
  auto shared = processSharedState();
  auto services = std::make_shared<ServicePerWorker>(shared);
  registry.add("patient-resolve", [services](gateway::WorkerContext& w) {
    return std::make_unique<ResolveHandler>(services->get(w));
  });
  registry.add("patient-xref", [services](gateway::WorkerContext& w) {
    return std::make_unique<XrefHandler>(services->get(w));
  });
  registry.add("patient-forget", [services](gateway::WorkerContext& w) {
    return std::make_unique<ForgetHandler>(services->get(w));
  });
  registry.add("platform-events", [services](gateway::WorkerContext& w) {
    auto h = std::make_unique<PlatformEventsHandler>(services->get(w));
    h->worker_config = w.config;
    return h;
  });
  registry.addStatusNote([shared] { return shared->statusNote(); });
}

}  // namespace metrogw::identity::index
