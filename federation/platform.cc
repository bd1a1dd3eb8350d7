#include "federation/platform.h"

#include "adapters/codec.h"
#include "federation/http_platform.h"
#include "federation/mllp_platform.h"

namespace metrogw::federation {

StatusOr<std::unique_ptr<PlatformClient>> makePlatformClient(const config::Platform& platform,
                                                             gateway::WorkerContext& worker) {
  const adapters::Codec* codec = adapters::findCodec(platform.dialect);
  if (codec == nullptr) return Status::invalidArgument("no codec for dialect '" + platform.dialect + "'");
  if (platform.dialect == "hl7v2") return MllpPlatformClient::create(platform, worker.dispatcher, *codec);
  RequestBuilder build =
      platform.dialect == "fhir-r4" ? fhirRestBuilder(platform) : v3MessageBuilder(platform, *codec);
  return std::unique_ptr<PlatformClient>(
      std::make_unique<HttpPlatformClient>(platform, worker.client, *codec, std::move(build)));
}

}  // namespace metrogw::federation
