#pragma once
// Percent-encoding and query strings for the FHIR REST helpers and paging links.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace metrogw::adapters::fhir {

// Encodes everything but RFC 3986 unreserved characters.
[[nodiscard]] std::string percentEncode(std::string_view s);
// Decodes %XX (and '+' as space when `plus_is_space`); nullopt on a bad escape.
[[nodiscard]] std::optional<std::string> percentDecode(std::string_view s, bool plus_is_space = true);

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}} (in order, repeats kept); nullopt on a bad escape
// (`bad` is set to the parameter name).
[[nodiscard]] std::optional<std::vector<std::pair<std::string, std::string>>> parseQuery(
    std::string_view query, std::string& bad);

}  // namespace metrogw::adapters::fhir
