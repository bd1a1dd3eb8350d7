// Helpers for config tests: load YAML text with fixed options and split error messages into lines.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"

namespace metrogw::config::testing {

inline LoadOptions testOptions() {
  LoadOptions options;
  options.known_handlers = {"healthz", "node_info"};
  options.check_files = false;
  return options;
}

// Loads `yaml` as "t.yaml" and expects success.
inline ConfigPtr loadOk(const std::string& yaml, const LoadOptions& options = testOptions()) {
  auto result = loadString(yaml, "t.yaml", options);
  EXPECT_TRUE(result.isOk()) << result.status().message();
  return result.isOk() ? result.value() : nullptr;
}

// Loads `yaml` as "t.yaml", expects invalidArgument and returns the error lines.
inline std::vector<std::string> loadErrors(const std::string& yaml,
                                           const LoadOptions& options = testOptions()) {
  auto result = loadString(yaml, "t.yaml", options);
  EXPECT_FALSE(result.isOk());
  if (result.isOk()) return {};
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> lines;
  std::istringstream in(result.status().message());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The smallest valid document; tests append sections to it. Ends at line 3.
inline constexpr const char* kMinimal = R"(listeners:
  - name: main
    port: 0
)";

}  // namespace metrogw::config::testing
