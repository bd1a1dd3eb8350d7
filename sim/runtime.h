// The simulator process: builds the world, serves it in the dialect on one event loop, prints
// the ready line, and stops on SIGTERM/SIGINT.
#pragma once

#include "sim/cli.h"

namespace metrogw::sim {

// Returns the process exit code: 0 after a signal, 1 when the world or the listener fails.
[[nodiscard]] int runSimulator(const SimOptions& options);

}  // namespace metrogw::sim
