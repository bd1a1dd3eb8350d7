// The `listeners:` section: names, bind addresses, ports and server-side TLS.
#include <algorithm>

#include "config/internal/sections.h"
#include "config/internal/validate.h"

namespace metrogw::config::internal {
namespace {

void readServerTls(const MapReader& listener, Listener& out, const LoadContext& ctx) {
  const auto tls = listener.map("tls", {"cert", "key", "client_ca", "session_tickets", "min_version"});
  if (!tls) return;
  ServerTls t;
  tls->require({"cert", "key"});
  readFileKey(*tls, "cert", t.cert_file, ctx);
  readFileKey(*tls, "key", t.key_file, ctx);
  readFileKey(*tls, "client_ca", t.client_ca_file, ctx);
  tls->readBool("session_tickets", t.session_tickets);
  if (tls->readString("min_version", t.min_version) && t.min_version != "1.2" && t.min_version != "1.3") {
    ctx.reader.error(tls->at("min_version"), R"(must be "1.2" or "1.3", got ')" + t.min_version + "'");
  }
  out.tls = std::move(t);
}

void readListenerName(const MapReader& m, Listener& out, const LoadContext& ctx) {
  if (!m.readNonEmptyString("name", out.name)) return;
  if (!isNodeName(out.name)) {
    ctx.reader.error(m.at("name"), "must match [A-Za-z0-9_.-]+, got '" + out.name + "'");
  }
  const auto& all = ctx.config.listeners;
  if (std::any_of(all.begin(), all.end(), [&](const Listener& l) { return l.name == out.name; })) {
    ctx.reader.error(m.at("name"), "duplicate listener name '" + out.name + "'");
  }
}

// Port 0 asks the kernel for a free port, so it never collides.
void checkAddressInUse(const MapReader& m, const Listener& out, const LoadContext& ctx) {
  if (out.port == 0) return;
  const std::string endpoint = out.address + ":" + std::to_string(out.port);
  const Admin& admin = ctx.config.admin;
  if (admin.port == out.port && admin.address == out.address) {
    ctx.reader.error(m.at("port"), endpoint + " is already used by the admin server");
  }
  for (const Listener& other : ctx.config.listeners) {
    if (other.port == out.port && other.address == out.address) {
      ctx.reader.error(m.at("port"), endpoint + " is already used by listener '" + other.name + "'");
    }
  }
}

void readListener(const YAML::Node& node, const Where& where, LoadContext& ctx) {
  const MapReader m(ctx.reader, node, where, {"name", "address", "port", "tls", "anonymous_scopes"});
  Listener out;
  if (m.valid()) {
    m.require({"name", "port"});
    readListenerName(m, out, ctx);
    if (m.readNonEmptyString("address", out.address) && !isIpLiteral(out.address)) {
      ctx.reader.error(m.at("address"), "must be an IPv4 or IPv6 address, got '" + out.address + "'");
    }
    if (m.readInt("port", out.port, 0, 65535)) checkAddressInUse(m, out, ctx);
    readServerTls(m, out, ctx);
    readScopes(m, "anonymous_scopes", out.anonymous_scopes, ctx);
  }
  ctx.config.listeners.push_back(std::move(out));
}

}  // namespace

void readListeners(const MapReader& root, LoadContext& ctx) {
  const bool present = root.forEach(
      "listeners", [&](const YAML::Node& node, const Where& where) { readListener(node, where, ctx); });
  if (present && ctx.config.listeners.empty()) {
    ctx.reader.error(root.at("listeners"), "at least one listener is required");
  }
}

}  // namespace metrogw::config::internal
