// Process-wide leveled logger writing one line per event to stderr.
//
// Thread-safe. Lines are JSON objects: {"ts":..,"level":..,"msg":..}. Callers must never pass
// resident ID numbers, names or phone numbers: mask or tokenize first.
#pragma once

#include <string>
#include <string_view>

namespace metrogw::log {

enum class Level { kDebug = 0, kInfo, kWarn, kError };

void setLevel(Level level);
[[nodiscard]] bool enabled(Level level);
void write(Level level, std::string_view component, std::string_view message);

inline void debug(std::string_view c, std::string_view m) {
  if (enabled(Level::kDebug)) write(Level::kDebug, c, m);
}
inline void info(std::string_view c, std::string_view m) { write(Level::kInfo, c, m); }
inline void warn(std::string_view c, std::string_view m) { write(Level::kWarn, c, m); }
inline void error(std::string_view c, std::string_view m) { write(Level::kError, c, m); }

// Appends `s` to `out` as the inside of a JSON string (quotes, backslashes and controls escaped).
void appendJsonEscaped(std::string& out, std::string_view s);

}  // namespace metrogw::log
