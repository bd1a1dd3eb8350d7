// libFuzzer target: arbitrary bytes through the strict YAML config loader must never crash, throw
// or hang; they either load or produce located errors.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"

namespace {

const metrogw::config::LoadOptions& fuzzOptions() {
  static const metrogw::config::LoadOptions options = [] {
    metrogw::config::LoadOptions o;
    o.known_handlers = {"healthz", "node_info"};
    o.check_files = false;  // never touch the filesystem from fuzz input
    return o;
  }();
  return options;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  auto result = metrogw::config::loadString(yaml, "fuzz.yaml", fuzzOptions());
  if (result.isOk()) {
    // A loaded config must be internally consistent: every route names a cluster that exists.
    for (const auto& route : result.value()->routes) {
      if (!route.cluster.empty() && result.value()->findCluster(route.cluster) == nullptr) __builtin_trap();
    }
  } else {
    // One error per line, each located.
    const std::string& message = result.status().message();
    for (size_t start = 0; start <= message.size();) {
      if (message.compare(start, 10, "fuzz.yaml:") != 0) __builtin_trap();
      const size_t end = message.find('\n', start);
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return 0;
}
