#pragma once
// The hl7v2 codec (HL7 v2.5 ER7), see adapters/codec.h.

#include "adapters/codec.h"

namespace metrogw::adapters {

[[nodiscard]] const Codec& hl7v2Codec();

}  // namespace metrogw::adapters
