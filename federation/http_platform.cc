#include "federation/http_platform.h"

#include "adapters/fhir/rest.h"

namespace metrogw::federation {
namespace {

// A platform's answer: decoded when it is a message of the dialect (including its error form,
// e.g. OperationOutcome or an AE acknowledgement, which decode to a Problem); a non-2xx answer
// that does not decode is an error of its own.
[[nodiscard]] StatusOr<model::EnvelopeT> decodeAnswer(const adapters::Codec& codec,
                                                      StatusOr<gateway::ClientResponse> response) {
  if (!response.isOk()) return response.status();
  auto decoded = codec.decode(response->body);
  if (decoded.isOk()) return decoded;
  if (response->status >= 400) {
    return Status::upstreamUnavailable("platform answered HTTP " + std::to_string(response->status));
  }
  return Status::malformedMessage("platform answer: " + decoded.status().message());
}

}  // namespace

HttpPlatformClient::HttpPlatformClient(const config::Platform& platform, gateway::HttpClient& client,
                                       const adapters::Codec& codec, RequestBuilder build)
    : cluster_(platform.cluster),
      timeout_(platform.timeout),
      client_(client),
      codec_(codec),
      build_(std::move(build)) {}

void HttpPlatformClient::query(const model::QueryT& query, EnvelopeCallback done) {
  send(model::envelopeOf(query), std::move(done));
}

void HttpPlatformClient::command(const model::CommandT& command, EnvelopeCallback done) {
  send(model::envelopeOf(command), std::move(done));
}

void HttpPlatformClient::send(const model::EnvelopeT& request, EnvelopeCallback done) {
  auto http = build_(request);
  if (!http.isOk()) {
    done(http.status());
    return;
  }
  http->timeout = timeout_;
  client_.send(cluster_, std::move(http.value()),
               [codec = &codec_, done = std::move(done)](StatusOr<gateway::ClientResponse> response) {
                 done(decodeAnswer(*codec, std::move(response)));
               });
}

RequestBuilder v3MessageBuilder(const config::Platform& platform, const adapters::Codec& codec) {
  return [path = platform.base_path,
          &codec](const model::EnvelopeT& request) -> StatusOr<gateway::ClientRequest> {
    ASSIGN_OR_RETURN(std::string xml, codec.encode(request));
    gateway::ClientRequest http;
    http.method = "POST";
    http.target = path;
    http.headers = {{"Content-Type", "application/hl7-v3+xml; charset=utf-8"}};
    http.body = std::move(xml);
    return http;
  };
}

RequestBuilder fhirRestBuilder(const config::Platform& platform) {
  return [base = platform.base_path](const model::EnvelopeT& request) -> StatusOr<gateway::ClientRequest> {
    StatusOr<adapters::fhir::RestRequest> rest =
        request.body.type == model::Body::Query ? adapters::fhir::toRestRequest(*request.body.AsQuery())
                                                : adapters::fhir::toRestRequest(*request.body.AsCommand());
    if (!rest.isOk()) return rest.status();
    gateway::ClientRequest http;
    http.method = rest->method;
    // rest.h targets start with "/fhir"; a platform mounted elsewhere gets its own base path.
    std::string_view target = rest->target;
    if (target.rfind("/fhir", 0) == 0) target.remove_prefix(5);
    http.target = base + std::string(target);
    http.headers = {{"Accept", "application/fhir+json"}};
    if (!rest->body.empty()) http.headers.emplace_back("Content-Type", "application/fhir+json");
    http.body = std::move(rest->body);
    return http;
  };
}

}  // namespace metrogw::federation
