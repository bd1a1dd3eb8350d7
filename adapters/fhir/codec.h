#pragma once
// The fhir-r4 codec (FHIR R4 JSON), see adapters/codec.h.

#include "adapters/codec.h"

namespace metrogw::adapters {

[[nodiscard]] const Codec& fhirR4Codec();

}  // namespace metrogw::adapters
