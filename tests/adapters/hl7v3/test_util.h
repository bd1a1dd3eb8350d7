#pragma once
// Helpers for the hl7v3-cda tests and benchmark: sample files and canonical JSON for messages.

#include <string>
#include <string_view>

#include "model/model.h"

namespace metrogw::adapters::hl7v3::testing {

// Contents of tests/data/samples/hl7v3-cda/<name> (empty when unreadable).
[[nodiscard]] std::string readSample(std::string_view name);
// One-line canonical JSON of an envelope (for failure messages).
[[nodiscard]] std::string jsonOf(const model::EnvelopeT& env);

}  // namespace metrogw::adapters::hl7v3::testing
