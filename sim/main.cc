// metrogw-sim entry point: parse flags, run the simulated city platform (see sim/runtime.h).
#include <cstdio>

#include "sim/cli.h"
#include "sim/runtime.h"

int main(int argc, char** argv) {
  auto options = metrogw::sim::parseArgs(argc, argv);
  if (!options.isOk()) {
    std::fprintf(stderr, "metrogw-sim: %s (see --help)\n", options.status().message().c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(metrogw::sim::usageText(), stdout);
    return 0;
  }
  return metrogw::sim::runSimulator(options.value());
}
