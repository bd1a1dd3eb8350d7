#include "federation/peer_link.h"

namespace metrogw::federation {
namespace {

[[nodiscard]] StatusOr<model::EnvelopeT> peerAnswer(StatusOr<gateway::ClientResponse> response) {
  if (!response.isOk()) return response.status();
  const std::string* type = response->headers.get("content-type");
  if (type == nullptr || type->rfind(model::kContentType, 0) != 0) {
    return Status::upstreamUnavailable("peer answered HTTP " + std::to_string(response->status) +
                                       " without an envelope");
  }
  auto envelope = model::unpack(response->body);
  if (!envelope.isOk()) return Status::malformedMessage("peer answer: " + envelope.status().message());
  return envelope;
}

}  // namespace

void callPeer(gateway::HttpClient& client, const config::Peer& peer, const model::EnvelopeT& request,
              std::chrono::milliseconds timeout, EnvelopeCallback done, std::string_view path) {
  gateway::ClientRequest http;
  http.method = "POST";
  http.target = std::string(path);
  http.headers = {{"Content-Type", std::string(model::kContentType)},
                  {"Accept", std::string(model::kContentType)}};
  http.body = model::pack(request);
  http.timeout = timeout;
  http.max_response_bytes = model::kMaxEnvelopeBytes;
  client.send(peer.cluster, std::move(http),
              [done = std::move(done)](StatusOr<gateway::ClientResponse> response) {
                done(peerAnswer(std::move(response)));
              });
}

}  // namespace metrogw::federation
