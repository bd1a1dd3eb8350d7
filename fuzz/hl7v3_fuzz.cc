// Fuzz target: the hl7v3-cda codec. Any input must decode or fail cleanly; whatever decodes must
// encode, and the encoding must decode back to the same canonical value (decode(encode(x)) == x).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/hl7v3/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const metrogw::adapters::Codec& codec = metrogw::adapters::hl7v3CdaCodec();
  auto env = codec.decode(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!env.isOk()) return 0;
  auto xml = codec.encode(*env);
  if (!xml.isOk()) return 0;  // e.g. a response carrying no result kind we write: refused, not crashed
  auto back = codec.decode(*xml);
  if (!back.isOk()) abort();
  if (!(back.value() == env.value())) abort();
  return 0;
}
