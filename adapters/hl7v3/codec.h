#pragma once
// The hl7v3-cda codec (HL7 v3 XML and WS/T 500 CDA), see adapters/codec.h.

#include "adapters/codec.h"

namespace metrogw::adapters {

[[nodiscard]] const Codec& hl7v3CdaCodec();

}  // namespace metrogw::adapters
