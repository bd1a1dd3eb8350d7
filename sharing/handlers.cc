#include "sharing/handlers.h"

#include <map>
#include <mutex>

#include "federation/peer_api.h"
#include "sharing/consent_peer.h"
#include "sharing/consents.h"
#include "sharing/north.h"
#include "sharing/owner.h"

namespace metrogw::sharing {
namespace {

using gateway::LocalRequest;
using gateway::Respond;
using gateway::http::Problem;

// A peer node's sharing query: this node owns the data and decides.
class PeerHandler final : public gateway::LocalHandler {
 public:
  explicit PeerHandler(std::shared_ptr<internal::Node> node) : node_(std::move(node)) {}

  void handle(const LocalRequest& request, Respond respond) override {
    if (Status s = node_->ready(); !s.isOk())
      return respond(federation::envelopeProblem(Problem::kNotImplemented, s.message()));
    const std::string caller_city = federation::peerCityOf(node_->config(), request.caller);
    if (caller_city.empty())
      return respond(federation::envelopeProblem(Problem::kCallerNotAllowed,
                                                 "caller certificate is not a configured peer node"));
    const std::string copy(request.body);  // aligned storage for the verifier
    auto envelope = model::unpack(copy);
    if (!envelope.isOk())
      return respond(federation::envelopeProblem(Problem::kMalformedRequest, envelope.status().message()));
    model::QueryT* query = envelope->body.AsQuery();
    if (query == nullptr)
      return respond(federation::envelopeProblem(Problem::kUnprocessable, "expected a query envelope"));
    answerAsOwner(
        *node_, std::move(*query), caller_city,
        [respond = std::move(respond)](StatusOr<model::EnvelopeT> answer) {
          if (!answer.isOk())
            return respond(federation::envelopeProblem(Problem::kInternal, answer.status().message()));
          const auto* problem = answer->body.AsProblem();
          respond(federation::envelopeResponse(problem != nullptr ? problem->status : 200, *answer));
        });
  }

 private:
  std::shared_ptr<internal::Node> node_;
};

// One Node per worker, shared by that worker's sharing handlers (which own it).
class NodePerWorker {
 public:
  std::shared_ptr<internal::Node> get(gateway::WorkerContext& worker) {
    const std::lock_guard<std::mutex> lock(mu_);
    auto& slot = nodes_[worker.worker_index];
    auto node = slot.lock();
    if (!node) {
      node = std::make_shared<internal::Node>(worker, identity_);
      slot = node;
    }
    return node;
  }

 private:
  std::mutex mu_;
  std::map<uint32_t, std::weak_ptr<internal::Node>> nodes_;
  std::shared_ptr<identity::index::SharedState> identity_ = identity::index::processSharedState();
};

}  // namespace

void registerHandlers(gateway::HandlerRegistry& registry) {
  auto nodes = std::make_shared<NodePerWorker>();
  const std::pair<const char*, ConsentRoute> consent_routes[] = {{"consent-grant", ConsentRoute::kGrant},
                                                                 {"consent-history", ConsentRoute::kHistory},
                                                                 {"consent-revoke", ConsentRoute::kRevoke}};
  for (const auto& [name, route] : consent_routes) {
    registry.add(name, [nodes, route = route](gateway::WorkerContext& w) {
      return makeConsentHandler(route, nodes->get(w));
    });
  }
  const std::pair<const char*, NorthKind> north_routes[] = {
      {"sharing-lab-reports", NorthKind::kLabReports},
      {"sharing-lab-report", NorthKind::kLabReport},
      {"sharing-record-summary", NorthKind::kRecordSummary}};
  for (const auto& [name, kind] : north_routes) {
    registry.add(name, [nodes, kind = kind](gateway::WorkerContext& w) {
      return makeNorthHandler(kind, nodes->get(w));
    });
  }
  registry.add("sharing-peer",
               [nodes](gateway::WorkerContext& w) { return std::make_unique<PeerHandler>(nodes->get(w)); });
  registry.add("consent-peer",
               [nodes](gateway::WorkerContext& w) { return makeConsentPeerHandler(nodes->get(w)); });
}

}  // namespace metrogw::sharing
