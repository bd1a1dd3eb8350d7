#include "federation/node_context.h"

#include "common/event_loop.h"
#include "federation/answers.h"
#include "federation/peer_link.h"

namespace metrogw::federation {

const config::Federation* NodeContext::federation() {
  config::ConfigPtr now = worker_.config();
  if (now != config_) {
    config_ = std::move(now);
    platform_.reset();
  }
  return config_ && config_->federation ? &*config_->federation : nullptr;
}

std::vector<std::string> NodeContext::allCities() {
  std::vector<std::string> cities;
  const config::Federation* fed = federation();
  if (fed == nullptr) return cities;
  cities.push_back(fed->city);
  for (const config::Peer& p : fed->peers) cities.push_back(p.city);
  return cities;
}

void NodeContext::askPlatform(const model::EnvelopeT& request, EnvelopeCallback done) {
  const config::Federation* fed = federation();
  if (fed == nullptr) {
    worker_.dispatcher.post(
        [done = std::move(done)] { done(Status::invalidArgument("no federation configured")); });
    return;
  }
  if (!platform_) {
    auto client = makePlatformClient(fed->platform, worker_);
    if (!client.isOk()) {
      worker_.dispatcher.post(
          [done = std::move(done), s = client.status()]() mutable { done(std::move(s)); });
      return;
    }
    platform_ = std::move(client.value());
  }
  const model::Body kind = request.body.type;
  if (kind != model::Body::Query && kind != model::Body::Command) {
    worker_.dispatcher.post([done = std::move(done)] {
      done(Status::invalidArgument("only queries and commands go to the platform"));
    });
    return;
  }
  // The answer is normalised against the request it answers (kept alive by the callback).
  auto req = std::make_shared<model::EnvelopeT>(request);
  EnvelopeCallback normalised = [req, city = fed->city,
                                 done = std::move(done)](StatusOr<model::EnvelopeT> answer) {
    if (answer.isOk()) normaliseAnswer(*req, city, answer.value());
    done(std::move(answer));
  };
  if (kind == model::Body::Query) {
    platform_->query(*request.body.AsQuery(), std::move(normalised));
  } else {
    platform_->command(*request.body.AsCommand(), std::move(normalised));
  }
}

void NodeContext::ask(const std::string& city, const model::EnvelopeT& request, EnvelopeCallback done) {
  const config::Federation* fed = federation();
  if (fed != nullptr && city == fed->city) {
    askPlatform(request, std::move(done));
    return;
  }
  const config::Peer* peer = fed == nullptr ? nullptr : fed->findPeer(city);
  if (peer == nullptr) {
    worker_.dispatcher.post(
        [done = std::move(done), city] { done(Status::notFound("no peer node for city " + city)); });
    return;
  }
  model::EnvelopeT copy = request;
  copy.origin_city = fed->city;
  callPeer(worker_.client, *peer, copy, fed->deadline, std::move(done));
}

}  // namespace metrogw::federation
