// Lookups on a loaded Config.
#include "config/config.h"

namespace metrogw::config {

const Cluster* Config::findCluster(const std::string& name) const {
  for (const Cluster& cluster : clusters) {
    if (cluster.name == name) return &cluster;
  }
  return nullptr;
}

}  // namespace metrogw::config

namespace metrogw::config {

const Peer* Federation::findPeer(std::string_view city) const {
  for (const Peer& peer : peers) {
    if (peer.city == city) return &peer;
  }
  return nullptr;
}

}  // namespace metrogw::config
