// PlatformClient for HL7 v2 platforms: each exchange is one MLLP-framed request and its answer
// on a TCP connection to federation.platform.address (connection per exchange: HIS/LIS MLLP
// listeners commonly expect that), under the platform timeout.
#pragma once

#include "adapters/codec.h"
#include "common/event_loop.h"
#include "federation/platform.h"

namespace metrogw::federation {

class MllpPlatformClient final : public PlatformClient {
 public:
  MllpPlatformClient(const config::Platform& platform, Dispatcher& dispatcher, const adapters::Codec& codec);
  void query(const model::QueryT& query, EnvelopeCallback done) override;
  void command(const model::CommandT& command, EnvelopeCallback done) override;

 private:
  void exchange(const model::EnvelopeT& request, EnvelopeCallback done);

  config::HostAddress address_;
  std::chrono::milliseconds timeout_;
  Dispatcher& dispatcher_;
  const adapters::Codec& codec_;
};

}  // namespace metrogw::federation
