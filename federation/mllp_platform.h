// PlatformClient for HL7 v2 platforms: each exchange is one MLLP-framed request and its answer
// on a TCP connection to federation.platform.address (connection per exchange: HIS/LIS MLLP
// listeners commonly expect that), under the platform timeout. A host name is resolved once per
// worker, when it first asks the platform (getaddrinfo; a failed lookup is retried next time).
#pragma once

#include <sys/socket.h>

#include <memory>

#include "adapters/codec.h"
#include "common/event_loop.h"
#include "common/net.h"
#include "federation/platform.h"

namespace metrogw::federation {

class MllpPlatformClient final : public PlatformClient {
 public:
  // Resolves federation.platform.address (getaddrinfo, first TCP result); an error names the host.
  [[nodiscard]] static StatusOr<std::unique_ptr<PlatformClient>> create(const config::Platform& platform,
                                                                        Dispatcher& dispatcher,
                                                                        const adapters::Codec& codec);
  MllpPlatformClient(const config::Platform& platform, SocketAddress address, Dispatcher& dispatcher,
                     const adapters::Codec& codec);
  void query(const model::QueryT& query, EnvelopeCallback done) override;
  void command(const model::CommandT& command, EnvelopeCallback done) override;

 private:
  void exchange(const model::EnvelopeT& request, EnvelopeCallback done);

  SocketAddress address_;
  std::chrono::milliseconds timeout_;
  Dispatcher& dispatcher_;
  const adapters::Codec& codec_;
};

}  // namespace metrogw::federation
