// metrogw-sim entry point: parse flags, run the simulated city platform (see sim/runtime.h).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/logging.h"
#include "sim/cli.h"
#include "sim/runtime.h"
#include "sim/world.h"

namespace {

// `metrogw-sim residents [SEED]`: the metro residents (sim/world.h) as JSON lines, for tests and
// demos that need someone to resolve. Simulated people only.
int printResidents(const char* seed_text) {
  const uint64_t seed = seed_text == nullptr ? 1 : std::strtoull(seed_text, nullptr, 10);
  for (const auto& r : metrogw::sim::metroResidents(seed)) {
    std::string line = R"({"resident_id":")" + r.resident_id + R"(","name":")";
    metrogw::log::appendJsonEscaped(line, r.name);
    line += R"(","birth_date":")" + r.birth_date + R"(","cities":[)";
    for (size_t i = 0; i < r.cities.size(); ++i) line += (i == 0 ? "\"" : ",\"") + r.cities[i] + "\"";
    line += R"(],"conflict_city":")" + r.conflict_city + "\"}";
    std::puts(line.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "residents")
    return printResidents(argc >= 3 ? argv[2] : nullptr);
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
