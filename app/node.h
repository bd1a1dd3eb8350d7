// A running node: metrics registry, admin listener, gateway server and the signal loop
// (SIGHUP reload, SIGTERM/SIGINT drain). main() builds one and runs it.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "config/config.h"
#include "gateway/handler.h"

namespace metrogw::app {

// The configuration used when no --config is given (quickstart's default deployment).
[[nodiscard]] const char* defaultConfigYaml();

// Handler names registered in code; the config loader accepts exactly these for `handler:`.
void registerBuiltinHandlers(gateway::HandlerRegistry& registry);

[[nodiscard]] config::LoadOptions loadOptions(const gateway::HandlerRegistry& registry);

// Runs until SIGTERM/SIGINT; returns the process exit code. `config_path` empty: embedded default.
[[nodiscard]] int runNode(const config::ConfigPtr& config, const std::string& config_path,
                          const gateway::HandlerRegistry& handlers);

}  // namespace metrogw::app
