// The `partners:`, `redis:` and `identity:` sections, and the scope lists routes and listeners
// carry. Read after listeners, clusters, routes and federation.
#include <algorithm>

#include "config/internal/sections.h"
#include "config/internal/validate.h"

namespace metrogw::config::internal {
namespace {

[[nodiscard]] bool isScopeName(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '-' || c == '_';
  });
}

void readPartner(const YAML::Node& node, const Where& where, LoadContext& ctx) {
  const MapReader m(ctx.reader, node, where, {"name", "subject", "scopes"});
  Partner out;
  if (m.valid()) {
    m.require({"name", "subject", "scopes"});
    m.readNonEmptyString("name", out.name);
    if (m.readNonEmptyString("subject", out.subject)) {
      for (const Partner& other : ctx.config.partners) {
        if (other.subject == out.subject) {
          ctx.reader.error(m.at("subject"), "subject is already partner '" + other.name + "'");
        }
      }
    }
    readScopes(m, "scopes", out.scopes, ctx);
  }
  ctx.config.partners.push_back(std::move(out));
}

void readRedisAddress(const MapReader& m, Redis& out, const LoadContext& ctx) {
  std::string text;
  if (!m.readNonEmptyString("address", text)) return;
  auto host = parseHostPort(text);
  if (!host.isOk()) {
    ctx.reader.error(m.at("address"), "bad address '" + text + "': " + host.status().message());
    return;
  }
  out.address = host.value();
}

// sentinel: { master: NAME, addresses: ["host:port", ...] }
void readSentinel(const MapReader& m, Redis& out, const LoadContext& ctx) {
  const auto s = m.map("sentinel", {"master", "addresses"});
  if (!s || !s->valid()) return;
  s->require({"master", "addresses"});
  s->readNonEmptyString("master", out.sentinel_master);
  for (const auto& [text, at] : s->readStringList("addresses")) {
    auto host = parseHostPort(text);
    if (!host.isOk()) {
      ctx.reader.error(at, "bad sentinel address '" + text + "': " + host.status().message());
      continue;
    }
    out.sentinels.push_back(host.value());
  }
  if (out.sentinels.empty() && s->has("addresses"))
    ctx.reader.error(s->at("addresses"), "at least one sentinel");
}

void readCheckDigit(const MapReader& m, Identity& out, const LoadContext& ctx) {
  std::string text;
  if (!m.readString("check_digit", text)) return;
  if (text != "reject" && text != "flag") {
    ctx.reader.error(m.at("check_digit"), "must be reject or flag, got '" + text + "'");
    return;
  }
  out.reject_bad_check = text == "reject";
}

}  // namespace

void readScopes(const MapReader& m, std::string_view key, std::vector<std::string>& out,
                const LoadContext& ctx) {
  for (auto& [scope, at] : m.readStringList(key)) {
    if (!isScopeName(scope)) {
      ctx.reader.error(at, "scope '" + scope + "' must be 1..64 of a-z 0-9 : . - _");
      continue;
    }
    out.push_back(std::move(scope));
  }
}

void readPartners(const MapReader& root, LoadContext& ctx) {
  root.forEach("partners",
               [&](const YAML::Node& node, const Where& where) { readPartner(node, where, ctx); });
}

void readRedis(const MapReader& root, LoadContext& ctx) {
  const auto m = root.map("redis", {"address", "sentinel", "password_file", "db", "connect_timeout_ms",
                                    "command_timeout_ms", "key_prefix", "wait_replicas", "wait_timeout_ms"});
  if (!m || !m->valid()) return;
  Redis out;
  readRedisAddress(*m, out, ctx);
  readSentinel(*m, out, ctx);
  readFileKey(*m, "password_file", out.password_file, ctx);
  m->readInt("db", out.db, 0, 15);
  m->readMillis("connect_timeout_ms", out.connect_timeout);
  m->readMillis("command_timeout_ms", out.command_timeout);
  m->readInt("wait_replicas", out.wait_replicas, 0, 16);
  // WAIT is a command like any other: the client's command timeout would end it first. Unset, the
  // wait takes four fifths of the command timeout.
  if (!m->readMillis("wait_timeout_ms", out.wait_timeout)) out.wait_timeout = out.command_timeout * 4 / 5;
  m->readNonEmptyString("key_prefix", out.key_prefix);
  if (out.wait_replicas > 0 && out.wait_timeout >= out.command_timeout)
    ctx.reader.error(m->where(), "redis.wait_timeout_ms must be shorter than command_timeout_ms (" +
                                     std::to_string(out.command_timeout.count()) + " ms)");
  ctx.config.redis = std::move(out);
}

void readIdentity(const MapReader& root, LoadContext& ctx) {
  const auto m = root.map("identity", {"key_file", "check_digit", "cache_ttl_ms", "negative_ttl_ms",
                                       "local_cache_ttl_ms", "local_cache_entries", "discovery_deadline_ms"});
  if (!m || !m->valid()) return;
  Identity out;
  m->require({"key_file"});
  readFileKey(*m, "key_file", out.key_file, ctx);
  readCheckDigit(*m, out, ctx);
  m->readMillis("cache_ttl_ms", out.cache_ttl);
  m->readMillis("negative_ttl_ms", out.negative_ttl);
  if (m->has("local_cache_ttl_ms")) {
    int64_t ms = 0;
    if (m->readInt("local_cache_ttl_ms", ms, 0, 3'600'000)) out.local_cache_ttl = Millis(ms);
  }
  m->readInt("local_cache_entries", out.local_cache_entries, 1, 10'000'000);
  if (Millis d{}; m->readMillis("discovery_deadline_ms", d)) out.discovery_deadline = d;
  if (!ctx.config.federation)
    ctx.reader.error(m->where(), "identity needs a federation section (cities to ask)");
  ctx.config.identity = std::move(out);
}

}  // namespace metrogw::config::internal
