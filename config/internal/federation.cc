// The `federation:` section: this node's city, its platform adapter and its peer city nodes.
// Read after listeners and clusters, so references to them are checked here.
#include <algorithm>

#include "config/internal/sections.h"
#include "config/internal/validate.h"

namespace metrogw::config::internal {
namespace {

[[nodiscard]] bool isCityCode(const std::string& s) {
  return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void readCity(const MapReader& m, std::string_view key, std::string& out, const LoadContext& ctx) {
  if (m.readNonEmptyString(key, out) && !isCityCode(out)) {
    ctx.reader.error(m.at(key), "must be a 4-digit GB/T 2260 city prefix (e.g. \"3201\"), got '" + out + "'");
  }
}

void checkCluster(const MapReader& m, std::string_view key, const std::string& name, const LoadContext& ctx) {
  if (!name.empty() && ctx.config.findCluster(name) == nullptr) {
    ctx.reader.error(m.at(key), "unknown cluster '" + name + "'");
  }
}

void readPlatform(const MapReader& fed, Platform& out, const LoadContext& ctx) {
  const auto m = fed.map("platform", {"dialect", "cluster", "address", "base_path", "timeout_ms"});
  if (!m || !m->valid()) return;
  m->require({"dialect"});
  if (m->readNonEmptyString("dialect", out.dialect)) {
    const auto& known = ctx.options.known_dialects;
    if (!known.empty() && std::find(known.begin(), known.end(), out.dialect) == known.end()) {
      std::string list;
      for (const auto& d : known) list += (list.empty() ? "" : ", ") + d;
      ctx.reader.error(m->at("dialect"), "unknown dialect '" + out.dialect + "' (known: " + list + ")");
    }
  }
  const bool mllp = out.dialect == "hl7v2";
  if (mllp) {
    m->require({"address"});
    std::string text;
    if (m->readNonEmptyString("address", text)) {
      auto host = parseHostPort(text);
      if (!host.isOk())
        ctx.reader.error(m->at("address"), "bad address '" + text + "': " + host.status().message());
      if (host.isOk()) out.address = host.value();
    }
    if (m->has("cluster"))
      ctx.reader.error(m->at("cluster"), "hl7v2 platforms use MLLP: give 'address', not 'cluster'");
  } else if (!out.dialect.empty()) {
    m->require({"cluster"});
    m->readNonEmptyString("cluster", out.cluster);
    checkCluster(*m, "cluster", out.cluster, ctx);
    if (m->has("address"))
      ctx.reader.error(m->at("address"), "HTTP platforms go through a 'cluster', not 'address'");
  }
  out.base_path = out.dialect == "fhir-r4" ? "/fhir" : (out.dialect == "hl7v3-cda" ? "/hip" : "");
  if (m->readNonEmptyString("base_path", out.base_path) && out.base_path.front() != '/') {
    ctx.reader.error(m->at("base_path"), "must start with '/'");
  }
  m->readMillis("timeout_ms", out.timeout);
}

void readPeer(const YAML::Node& node, const Where& where, Federation& fed, const LoadContext& ctx) {
  const MapReader m(ctx.reader, node, where, {"city", "cluster"});
  Peer peer;
  if (m.valid()) {
    m.require({"city", "cluster"});
    readCity(m, "city", peer.city, ctx);
    if (!peer.city.empty() && (peer.city == fed.city || fed.findPeer(peer.city) != nullptr)) {
      ctx.reader.error(m.at("city"), "city " + peer.city + " is listed twice (or is this node's own city)");
    }
    if (m.readNonEmptyString("cluster", peer.cluster)) {
      checkCluster(m, "cluster", peer.cluster, ctx);
      const Cluster* c = ctx.config.findCluster(peer.cluster);
      if (c != nullptr && (!c->tls || c->tls->expected_subject.empty() || c->tls->cert_file.empty())) {
        ctx.reader.error(m.at("cluster"),
                         "peer cluster '" + peer.cluster +
                             "' needs tls with ca, cert, key and expected_subject (mutual TLS)");
      }
    }
  }
  fed.peers.push_back(std::move(peer));
}

void readFederationListener(const MapReader& m, Federation& out, const LoadContext& ctx) {
  if (!m.readNonEmptyString("listener", out.listener)) return;
  const auto& ls = ctx.config.listeners;
  const auto it =
      std::find_if(ls.begin(), ls.end(), [&](const Listener& l) { return l.name == out.listener; });
  if (it == ls.end()) {
    ctx.reader.error(m.at("listener"), "unknown listener '" + out.listener + "'");
  } else if (!it->tls || it->tls->client_ca_file.empty()) {
    ctx.reader.error(m.at("listener"),
                     "listener '" + out.listener + "' must require client certificates (tls.client_ca)");
  }
}

}  // namespace

void readFederation(const MapReader& root, LoadContext& ctx) {
  const auto m =
      root.map("federation", {"city", "city_name", "platform", "peers", "deadline_ms", "listener"});
  if (!m || !m->valid()) return;
  Federation fed;
  m->require({"city", "platform"});
  readCity(*m, "city", fed.city, ctx);
  m->readNonEmptyString("city_name", fed.city_name);
  readPlatform(*m, fed.platform, ctx);
  m->readMillis("deadline_ms", fed.deadline);
  readFederationListener(*m, fed, ctx);
  m->forEach("peers", [&](const YAML::Node& node, const Where& where) { readPeer(node, where, fed, ctx); });
  if (!fed.peers.empty() && fed.listener.empty()) {
    ctx.reader.error(m->at("peers"), "peers need a 'listener' (the mTLS listener they call)");
  }
  ctx.config.federation = std::move(fed);
}

}  // namespace metrogw::config::internal
