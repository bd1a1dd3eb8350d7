// Route table: method + path (exact, prefix or template with named segments) → cluster or handler.
//
// Routes are tried in configuration order; the first match wins. Immutable after build; shared
// by every worker.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace metrogw::gateway {

using PathParams = std::vector<std::pair<std::string, std::string>>;

struct RouteEntry {
  size_t index = 0;  // position in the table (stats slots are indexed by it)
  const config::Route* config = nullptr;
  std::vector<std::string> segments;  // template routes: literal segments, or "{name}"
};

struct RouteMatch {
  const RouteEntry* route = nullptr;  // null: no route for this path on this listener
  bool method_mismatch = false;       // some route matched the path but not the method
  PathParams params;
};

class Router {
 public:
  // `config` must outlive the Router (both live in the same Snapshot).
  [[nodiscard]] static StatusOr<Router> build(const config::Config& config);

  [[nodiscard]] RouteMatch match(std::string_view method, std::string_view path,
                                 std::string_view listener) const;
  [[nodiscard]] const std::vector<RouteEntry>& routes() const { return routes_; }

 private:
  std::vector<RouteEntry> routes_;
};

[[nodiscard]] std::vector<std::string> splitPath(std::string_view path);

}  // namespace metrogw::gateway
