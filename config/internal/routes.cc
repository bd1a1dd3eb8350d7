// The `routes:` section: path matching, methods, and the cluster or handler each route sends to.
#include <algorithm>
#include <utility>

#include "config/internal/sections.h"
#include "config/internal/validate.h"

namespace metrogw::config::internal {
namespace {

template <typename T>
bool containsName(const std::vector<T>& items, const std::string& name) {
  return std::any_of(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
}

bool parseMatch(std::string_view text, PathMatch& out) {
  static constexpr std::pair<std::string_view, PathMatch> kNames[] = {
      {"exact", PathMatch::kExact}, {"prefix", PathMatch::kPrefix}, {"template", PathMatch::kTemplate}};
  for (const auto& [name, match] : kNames) {
    if (text == name) {
      out = match;
      return true;
    }
  }
  return false;
}

// Returns false when `match` is present but invalid, so brace checks are skipped.
bool readMatch(const MapReader& m, Route& out, const LoadContext& ctx) {
  if (!m.has("match")) {
    out.match = out.path.find('{') != std::string::npos ? PathMatch::kTemplate : PathMatch::kPrefix;
    return true;
  }
  std::string text;
  if (!m.readString("match", text)) return false;
  if (parseMatch(text, out.match)) return true;
  ctx.reader.error(m.at("match"), "must be exact, prefix or template, got '" + text + "'");
  return false;
}

void readPathAndMatch(const MapReader& m, Route& out, const LoadContext& ctx) {
  const bool has_path = m.readString("path", out.path);
  if (!readMatch(m, out, ctx) || !has_path) return;
  Status s = checkPath(out.path);
  if (s.isOk() && out.match == PathMatch::kTemplate) s = checkPathTemplate(out.path);
  if (s.isOk() && out.match != PathMatch::kTemplate && out.path.find_first_of("{}") != std::string::npos) {
    s = Status::invalidArgument("'{' and '}' are only allowed with match: template");
  }
  if (!s.isOk()) ctx.reader.error(m.at("path"), s.message());
}

void readMethods(const MapReader& m, Route& out, const LoadContext& ctx) {
  const auto node = m.get("methods");
  if (node && node->IsSequence() && node->size() == 0) {
    ctx.reader.error(m.at("methods"), "must not be empty (omit it to allow every method)");
  }
  for (auto& [method, at] : m.readStringList("methods")) {
    if (!isKnownMethod(method)) {
      ctx.reader.error(
          at, "unknown method '" + method + "' (expected GET, HEAD, POST, PUT, DELETE, PATCH or OPTIONS)");
    } else if (std::find(out.methods.begin(), out.methods.end(), method) != out.methods.end()) {
      ctx.reader.error(at, "duplicate method '" + method + "'");
    }
    out.methods.push_back(std::move(method));
  }
}

std::string knownHandlers(const LoadOptions& options) {
  std::string list;
  for (const auto& h : options.known_handlers) list += (list.empty() ? "" : ", ") + h;
  return list.empty() ? "no handlers are registered" : "known: " + list;
}

void readTarget(const MapReader& m, Route& out, const LoadContext& ctx) {
  if (m.has("cluster") == m.has("handler")) {
    ctx.reader.error(m.where(), "exactly one of 'cluster' or 'handler' is required");
  }
  if (m.readNonEmptyString("cluster", out.cluster) && !containsName(ctx.config.clusters, out.cluster)) {
    ctx.reader.error(m.at("cluster"), "unknown cluster '" + out.cluster + "'");
  }
  const auto& handlers = ctx.options.known_handlers;
  if (m.readNonEmptyString("handler", out.handler) &&
      std::find(handlers.begin(), handlers.end(), out.handler) == handlers.end()) {
    ctx.reader.error(m.at("handler"),
                     "unknown handler '" + out.handler + "' (" + knownHandlers(ctx.options) + ")");
  }
}

void readRouteListeners(const MapReader& m, Route& out, const LoadContext& ctx) {
  const auto node = m.get("listeners");
  if (node && node->IsSequence() && node->size() == 0) {
    ctx.reader.error(m.at("listeners"), "must not be empty (omit it to serve on every listener)");
  }
  for (auto& [name, at] : m.readStringList("listeners")) {
    if (!containsName(ctx.config.listeners, name)) {
      ctx.reader.error(at, "unknown listener '" + name + "'");
    } else if (std::find(out.listeners.begin(), out.listeners.end(), name) != out.listeners.end()) {
      ctx.reader.error(at, "duplicate listener '" + name + "'");
    }
    out.listeners.push_back(std::move(name));
  }
}

void readPrefixRewrite(const MapReader& m, Route& out, const LoadContext& ctx) {
  if (!m.readString("prefix_rewrite", out.prefix_rewrite)) return;
  const Where at = m.at("prefix_rewrite");
  if (Status s = checkPath(out.prefix_rewrite); !s.isOk()) ctx.reader.error(at, s.message());
  if (out.match != PathMatch::kPrefix) ctx.reader.error(at, "only applies to match: prefix");
  if (m.has("handler")) ctx.reader.error(at, "only applies to routes with a cluster");
}

void readRoute(const YAML::Node& node, const Where& where, LoadContext& ctx) {
  const MapReader m(ctx.reader, node, where,
                    {"name", "methods", "path", "match", "cluster", "handler", "listeners", "timeout_ms",
                     "prefix_rewrite", "scopes"});
  Route out;
  if (m.valid()) {
    m.require({"path"});
    readPathAndMatch(m, out, ctx);
    if (!m.readNonEmptyString("name", out.name)) out.name = out.path;
    readMethods(m, out, ctx);
    readTarget(m, out, ctx);
    readRouteListeners(m, out, ctx);
    if (Millis timeout{}; m.readMillis("timeout_ms", timeout)) out.timeout = timeout;
    readPrefixRewrite(m, out, ctx);
    readScopes(m, "scopes", out.scopes, ctx);
  }
  ctx.config.routes.push_back(std::move(out));
}

}  // namespace

void readRoutes(const MapReader& root, LoadContext& ctx) {
  root.forEach("routes", [&](const YAML::Node& node, const Where& where) { readRoute(node, where, ctx); });
}

}  // namespace metrogw::config::internal
