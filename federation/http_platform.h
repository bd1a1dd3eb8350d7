// PlatformClient for platforms reached over HTTP (fhir-r4 REST, hl7v3-cda message POSTs), through
// the gateway cluster named in federation.platform.cluster.
#pragma once

#include <functional>

#include "adapters/codec.h"
#include "federation/platform.h"
#include "gateway/client.h"

namespace metrogw::federation {

// Builds the dialect's HTTP request for a canonical request envelope (Query or Command body).
using RequestBuilder = std::function<StatusOr<gateway::ClientRequest>(const model::EnvelopeT& request)>;

class HttpPlatformClient final : public PlatformClient {
 public:
  HttpPlatformClient(const config::Platform& platform, gateway::HttpClient& client,
                     const adapters::Codec& codec, RequestBuilder build);
  void query(const model::QueryT& query, EnvelopeCallback done) override;
  void command(const model::CommandT& command, EnvelopeCallback done) override;

 private:
  void send(const model::EnvelopeT& request, EnvelopeCallback done);

  std::string cluster_;
  std::chrono::milliseconds timeout_;
  gateway::HttpClient& client_;
  const adapters::Codec& codec_;
  RequestBuilder build_;
};

// hl7v3-cda: every request is a v3 message POSTed to the platform's base path.
[[nodiscard]] RequestBuilder v3MessageBuilder(const config::Platform& platform, const adapters::Codec& codec);
// fhir-r4: REST requests (adapters/fhir/rest.h) under the platform's base path.
[[nodiscard]] RequestBuilder fhirRestBuilder(const config::Platform& platform);

}  // namespace metrogw::federation
