// Readers for the parts of a config document; each fills its part of Config and reports errors.
//
// Private to config/. Sections are read in a fixed order (general, admin, limits, listeners,
// clusters, routes) whatever their order in the file, so routes can check references against the
// listeners and clusters already read. Items with errors are still appended, so one bad cluster
// does not also produce "unknown cluster" errors for every route naming it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/internal/reader.h"

namespace metrogw::config::internal {

struct LoadContext {
  Reader& reader;
  const LoadOptions& options;
  Config& config;
};

// Reads the whole document (the top-level node) into ctx.config.
void readDocument(const YAML::Node& root, LoadContext& ctx);

void readListeners(const MapReader& root, LoadContext& ctx);
void readClusters(const MapReader& root, LoadContext& ctx);
void readRoutes(const MapReader& root, LoadContext& ctx);
void readFederation(const MapReader& root, LoadContext& ctx);
void readPartners(const MapReader& root, LoadContext& ctx);
void readRedis(const MapReader& root, LoadContext& ctx);
void readIdentity(const MapReader& root, LoadContext& ctx);
void readBooking(const MapReader& root, LoadContext& ctx);  // booking.cc
void readConsent(const MapReader& root, LoadContext& ctx);  // sharing.cc
void readAudit(const MapReader& root, LoadContext& ctx);    // sharing.cc
// A list of scope names (partners, routes, listeners' anonymous_scopes).
void readScopes(const MapReader& m, std::string_view key, std::vector<std::string>& out,
                const LoadContext& ctx);

// Reads an optional string naming a TLS file: non-empty, and readable when options.check_files.
bool readFileKey(const MapReader& map, std::string_view key, std::string& out, const LoadContext& ctx);

}  // namespace metrogw::config::internal
