// Lookups on a loaded Config.
#include "config/config.h"

#include <algorithm>

namespace metrogw::config {
namespace {

bool holdsAny(const std::vector<std::string>& held, const std::vector<std::string>& wanted) {
  return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    return std::find(held.begin(), held.end(), w) != held.end();
  });
}

}  // namespace

const Cluster* Config::findCluster(const std::string& name) const {
  for (const Cluster& cluster : clusters) {
    if (cluster.name == name) return &cluster;
  }
  return nullptr;
}

bool Config::callerMayUse(const Route& route, std::string_view caller, const Listener& listener) const {
  if (route.scopes.empty()) return true;
  if (caller.empty()) return holdsAny(listener.anonymous_scopes, route.scopes);
  return std::any_of(partners.begin(), partners.end(), [&](const Partner& p) {
    return p.subject == caller && holdsAny(p.scopes, route.scopes);
  });
}

const Peer* Federation::findPeer(std::string_view city) const {
  for (const Peer& peer : peers) {
    if (peer.city == city) return &peer;
  }
  return nullptr;
}

}  // namespace metrogw::config
