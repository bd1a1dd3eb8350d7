// Pure checks on single config values (names, addresses, paths, methods, files).
//
// Private to config/. Each returns an error Status whose message is the "what" part of a loader
// error ("port must be between 1 and 65535"); the caller adds file, line and path.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "config/config.h"

namespace metrogw::config::internal {

// [A-Za-z0-9_.-]+
[[nodiscard]] bool isNodeName(std::string_view name);
// debug | info | warn | error
[[nodiscard]] bool isLogLevel(std::string_view level);
// GET HEAD POST PUT DELETE PATCH OPTIONS (upper-case only).
[[nodiscard]] bool isKnownMethod(std::string_view method);
// An IPv4 or IPv6 literal (no brackets), as listeners bind to.
[[nodiscard]] bool isIpLiteral(std::string_view address);

// "host:port", "1.2.3.4:port" or "[v6]:port"; port 1..65535.
[[nodiscard]] StatusOr<HostAddress> parseHostPort(std::string_view text);
// Starts with '/', no whitespace, control characters, '?' or '#'.
[[nodiscard]] Status checkPath(std::string_view path);
// Every '{' or '}' is part of a whole-segment parameter "{name}" with name [A-Za-z0-9_]+, and no
// name repeats.
[[nodiscard]] Status checkPathTemplate(std::string_view path);
// The file can be opened for reading and is not a directory. Does not parse it.
[[nodiscard]] Status checkReadable(const std::string& file);

}  // namespace metrogw::config::internal
