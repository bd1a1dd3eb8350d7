// Helpers for the hl7v3-cda tests, see test_util.h.
#include "tests/adapters/hl7v3/test_util.h"

#include <fstream>
#include <sstream>

namespace metrogw::adapters::hl7v3::testing {

std::string readSample(std::string_view name) {
  std::ifstream in(std::string(METROGW_SAMPLES_DIR) + "/" + std::string(name), std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string jsonOf(const model::EnvelopeT& env) {
  auto json = model::toJson(model::pack(env), false);
  return json.isOk() ? json.value() : json.status().toString();
}

}  // namespace metrogw::adapters::hl7v3::testing
