// Command line of metrogw-sim:
//   metrogw-sim --dialect {fhir-r4|hl7v2|hl7v3-cda} --city <GB/T 2260 prefix> --port P
//               [--host 127.0.0.1] [--seed N] [--start-date YYYY-MM-DD] [--days 14]
//               [--release HOSPITAL_ID:N]
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "sim/dates.h"

namespace metrogw::sim {

struct SimOptions {
  std::string dialect;
  std::string city;
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: any free port, printed in the ready line
  uint64_t seed = 1;
  Date start;  // default: today (local time)
  int days = 14;
  // A slot release (放号): N extra single-place 10-minute slots of one hospital, from tomorrow on.
  std::string release_hospital;
  int release_slots = 0;
  bool help = false;
};

// Errors are invalidArgument with a one-line message naming the flag.
[[nodiscard]] StatusOr<SimOptions> parseArgs(int argc, const char* const* argv);
[[nodiscard]] const char* usageText();

}  // namespace metrogw::sim
