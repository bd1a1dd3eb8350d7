#pragma once
// Helpers shared by the fhir-r4 codec tests.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "adapters/fhir/codec.h"

namespace metrogw::adapters::fhir {

inline std::string readSample(const std::string& name) {
  std::ifstream in(std::string(METROGW_SAMPLES_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline model::EnvelopeT decodeOrDie(std::string_view text) {
  auto env = fhirR4Codec().decode(text);
  EXPECT_TRUE(env.isOk()) << env.status().message();
  return env.isOk() ? std::move(env).value() : model::EnvelopeT();
}

}  // namespace metrogw::adapters::fhir
