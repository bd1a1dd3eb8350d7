// Route matching.
#include "gateway/router/router.h"

#include <algorithm>

namespace metrogw::gateway {
namespace {

// Methods a route accepts when its config lists none.
bool defaultMethod(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "POST" || m == "PUT" || m == "DELETE" || m == "PATCH" ||
         m == "OPTIONS";
}

bool methodAllowed(const config::Route& r, std::string_view method) {
  if (r.methods.empty()) return defaultMethod(method);
  return std::any_of(r.methods.begin(), r.methods.end(),
                     [method](const std::string& m) { return m == method; });
}

bool listenerAllowed(const config::Route& r, std::string_view listener) {
  if (r.listeners.empty()) return true;
  return std::any_of(r.listeners.begin(), r.listeners.end(),
                     [listener](const std::string& l) { return l == listener; });
}

bool isParam(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

bool matchTemplate(const RouteEntry& e, std::string_view path, PathParams* params) {
  size_t i = 0;
  size_t pos = 1;  // skip the leading '/'
  while (pos <= path.size()) {
    const size_t slash = path.find('/', pos);
    const std::string_view seg =
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (i >= e.segments.size()) return false;
    const std::string& want = e.segments[i];
    if (isParam(want)) {
      if (seg.empty()) return false;
      if (params) params->emplace_back(want.substr(1, want.size() - 2), std::string(seg));
    } else if (seg != want) {
      return false;
    }
    ++i;
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return i == e.segments.size();
}

bool pathMatches(const RouteEntry& e, std::string_view path, PathParams* params) {
  const config::Route& r = *e.config;
  switch (r.match) {
    case config::PathMatch::kExact: return path == r.path;
    case config::PathMatch::kPrefix: return path.starts_with(r.path);
    case config::PathMatch::kTemplate: return matchTemplate(e, path, params);
  }
  return false;
}

}  // namespace

std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = path.starts_with('/') ? 1 : 0;
  while (pos <= path.size()) {
    const size_t slash = path.find('/', pos);
    out.emplace_back(
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

StatusOr<Router> Router::build(const config::Config& config) {
  Router router;
  for (size_t i = 0; i < config.routes.size(); ++i) {
    RouteEntry e;
    e.index = i;
    e.config = &config.routes[i];
    if (e.config->match == config::PathMatch::kTemplate) e.segments = splitPath(e.config->path);
    router.routes_.push_back(std::move(e));
  }
  return router;
}

RouteMatch Router::match(std::string_view method, std::string_view path, std::string_view listener) const {
  RouteMatch result;
  for (const RouteEntry& e : routes_) {
    if (!listenerAllowed(*e.config, listener) || !pathMatches(e, path, nullptr)) continue;
    if (!methodAllowed(*e.config, method)) {
      result.method_mismatch = true;
      continue;
    }
    result.route = &e;
    result.method_mismatch = false;
    if (e.config->match == config::PathMatch::kTemplate) pathMatches(e, path, &result.params);
    return result;
  }
  return result;
}

}  // namespace metrogw::gateway
