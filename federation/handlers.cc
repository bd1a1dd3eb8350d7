#include "federation/handlers.h"

#include <chrono>

#include "common/clock.h"
#include "federation/fanout.h"
#include "federation/node_context.h"
#include "federation/north_query.h"
#include "federation/peer_api.h"

namespace metrogw::federation {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;
using gateway::http::Problem;

[[nodiscard]] int64_t nowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The merged result as JSON; the incomplete cities also in a header, for quick checks.
[[nodiscard]] LocalResponse mergedResponse(model::SearchResultT merged) {
  std::string incomplete;
  for (const auto& i : merged.incomplete) incomplete += (incomplete.empty() ? "" : ",") + i->city;
  auto json = model::bodyToJson(model::pack(model::envelopeOf(std::move(merged))), false);
  if (!json.isOk()) return LocalResponse::problem(Problem::kInternal, json.status().message(), "");
  LocalResponse r = LocalResponse::json(200, std::move(json.value()));
  if (!incomplete.empty()) r.headers.add("X-Metrogw-Incomplete", incomplete);
  return r;
}

// Shared by the north handlers: parse, fan out to the cities, answer the merged result.
class FanOutHandler : public gateway::LocalHandler {
 public:
  explicit FanOutHandler(gateway::WorkerContext& worker) : node_(worker) {}

  void handle(const LocalRequest& request, Respond respond) override {
    const std::string request_id(request.request_id);
    if (node_.federation() == nullptr) {
      respond(LocalResponse::problem(Problem::kNotImplemented, "this node has no federation section",
                                     request_id));
      return;
    }
    auto params = gateway::http::QueryParams::parse(request.head.url);
    auto query = params.isOk() ? parse(*params) : StatusOr<model::QueryT>(params.status());
    auto cities = params.isOk() ? parseCities(*params, node_.allCities()) : params.status();
    if (!query.isOk() || !cities.isOk()) {
      const Status& bad = !query.isOk() ? query.status() : cities.status();
      respond(LocalResponse::problem(Problem::kInvalidParameter, bad.message(), request_id));
      return;
    }
    const model::EnvelopeT envelope = model::envelopeOf(std::move(query.value()));
    fanOut(
        node_.worker().dispatcher, *cities, node_.federation()->deadline,
        [this, envelope](const std::string& city, EnvelopeCallback done) {
          node_.ask(city, envelope, std::move(done));
        },
        [respond = std::move(respond)](model::SearchResultT merged) {
          respond(mergedResponse(std::move(merged)));
        });
  }

 protected:
  [[nodiscard]] virtual StatusOr<model::QueryT> parse(const gateway::http::QueryParams& params) const = 0;

 private:
  NodeContext node_;
};

class SlotSearchHandler final : public FanOutHandler {
 public:
  using FanOutHandler::FanOutHandler;

 protected:
  StatusOr<model::QueryT> parse(const gateway::http::QueryParams& params) const override {
    return parseSlotQuery(params, nowUnix());
  }
};

class DirectoryHandler final : public FanOutHandler {
 public:
  using FanOutHandler::FanOutHandler;

 protected:
  StatusOr<model::QueryT> parse(const gateway::http::QueryParams& params) const override {
    return parseDirectoryQuery(params);
  }
};

[[nodiscard]] bool carriesPatientRecords(model::QueryKind kind) {
  return kind == model::QueryKind::LabReports || kind == model::QueryKind::LabReport ||
         kind == model::QueryKind::RecordSummary;
}

// A peer node's request, answered from this city's platform.
class PeerHandler final : public gateway::LocalHandler {
 public:
  explicit PeerHandler(gateway::WorkerContext& worker) : node_(worker) {}

  void handle(const LocalRequest& request, Respond respond) override {
    const config::Federation* fed = node_.federation();
    if (fed == nullptr) {
      respond(envelopeProblem(Problem::kNotImplemented, "this node has no federation section"));
      return;
    }
    if (peerCityOf(*node_.worker().config(), request.caller).empty()) {
      respond(
          envelopeProblem(Problem::kCallerNotAllowed, "caller certificate is not a configured peer node"));
      return;
    }
    const std::string copy(request.body);  // aligned storage for the verifier
    auto envelope = model::unpack(copy);
    if (!envelope.isOk()) {
      respond(envelopeProblem(Problem::kMalformedRequest, envelope.status().message()));
      return;
    }
    const model::Body kind = envelope->body.type;
    if (kind != model::Body::Query && kind != model::Body::Command) {
      respond(envelopeProblem(Problem::kUnprocessable, "expected a query or a command envelope"));
      return;
    }
    if (kind == model::Body::Query && carriesPatientRecords(envelope->body.AsQuery()->kind)) {
      // Records are released only through /federation/v1/sharing, where the owner checks consent.
      respond(envelopeProblem(Problem::kConsentRequired,
                              "patient records are shared through the sharing endpoint"));
      return;
    }
    if (kind == model::Body::Command && node_.worker().config()->booking) {
      // With a pool the owning node decides every booking (/federation/v1/booking); a command straight to
      // the platform would bypass its places and rules.
      respond(envelopeProblem(Problem::kUnprocessable, "bookings go through the appointment pool endpoint"));
      return;
    }
    node_.askPlatform(
        *envelope, [respond = std::move(respond), city = fed->city](StatusOr<model::EnvelopeT> answer) {
          if (!answer.isOk()) {
            const bool timeout = answer.status().code() == StatusCode::kUpstreamTimeout;
            respond(envelopeProblem(timeout ? Problem::kUpstreamTimeout : Problem::kPlatformError,
                                    answer.status().message()));
            return;
          }
          answer->origin_city = city;
          respond(envelopeResponse(200, *answer));
        });
  }

 private:
  NodeContext node_;
};

}  // namespace

void registerHandlers(gateway::HandlerRegistry& registry) {
  registry.add("slot-search",
               [](gateway::WorkerContext& w) { return std::make_unique<SlotSearchHandler>(w); });
  registry.add("hospital-directory",
               [](gateway::WorkerContext& w) { return std::make_unique<DirectoryHandler>(w); });
  registry.add("federation-peer", [](gateway::WorkerContext& w) { return std::make_unique<PeerHandler>(w); });
}

}  // namespace metrogw::federation
