// The query component of a request target: "a=1&b=x%20y" -> ordered (name, value) pairs,
// percent-decoded ('+' is a space). Malformed escapes are an error, never silently kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace metrogw::gateway::http {

class QueryParams {
 public:
  // `target` is the whole request target; only the part after '?' is read (fragment ignored).
  [[nodiscard]] static StatusOr<QueryParams> parse(std::string_view target);

  // The first value of `name`, or nullopt.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& all() const { return params_; }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// Percent-decodes `in` ('+' as space when `plus_is_space`); error on a bad or truncated escape.
[[nodiscard]] StatusOr<std::string> percentDecode(std::string_view in, bool plus_is_space);
// Percent-encodes everything but unreserved characters (RFC 3986 2.3).
[[nodiscard]] std::string percentEncode(std::string_view in);

}  // namespace metrogw::gateway::http
