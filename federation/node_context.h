// Per-worker federation state shared by the handlers: the platform client for the configuration
// in force (rebuilt after a reload changes it) and the routing of a city to platform or peer.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "federation/platform.h"

namespace metrogw::federation {

class NodeContext {
 public:
  explicit NodeContext(gateway::WorkerContext worker) : worker_(std::move(worker)) {}

  // The federation section in force, or null when this node has none.
  [[nodiscard]] const config::Federation* federation();
  // Every city this node can ask: its own, then its peers.
  [[nodiscard]] std::vector<std::string> allCities();
  // Sends `request` to `city`: this city's platform, or the peer node that owns it.
  void ask(const std::string& city, const model::EnvelopeT& request, EnvelopeCallback done);
  // This city's platform only (what a peer's request gets).
  void askPlatform(const model::EnvelopeT& request, EnvelopeCallback done);
  [[nodiscard]] gateway::WorkerContext& worker() { return worker_; }

 private:
  gateway::WorkerContext worker_;  // a copy: the factory's context is a temporary
  config::ConfigPtr config_;       // the config the platform client was built for
  std::unique_ptr<PlatformClient> platform_;
};

}  // namespace metrogw::federation
