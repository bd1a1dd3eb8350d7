#include "federation/peer_api.h"

namespace metrogw::federation {

std::string peerCityOf(const config::Config& config, std::string_view caller) {
  if (caller.empty() || !config.federation) return {};
  for (const config::Peer& peer : config.federation->peers) {
    const config::Cluster* c = config.findCluster(peer.cluster);
    if (c != nullptr && c->tls && c->tls->expected_subject == caller) return peer.city;
  }
  return {};
}

gateway::LocalResponse envelopeResponse(int status, const model::EnvelopeT& env) {
  gateway::LocalResponse r;
  r.status = status;
  r.content_type = std::string(model::kContentType);
  r.body = model::pack(env);
  return r;
}

gateway::LocalResponse envelopeProblem(gateway::http::Problem problem, std::string detail) {
  const auto& info = gateway::http::problemInfo(problem);
  model::ProblemT p;
  p.type = gateway::http::problemType(problem);
  p.title = std::string(info.title);
  p.status = static_cast<uint16_t>(info.status);
  p.detail = std::move(detail);
  return envelopeResponse(info.status, model::envelopeOf(std::move(p)));
}

}  // namespace metrogw::federation
