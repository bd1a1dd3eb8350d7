// fhir-r4 codec: decode arbitrary bytes; whatever decodes must encode and decode back to the same
// canonical envelope, and errors must be one line starting with a JSON pointer.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "adapters/fhir/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const metrogw::adapters::Codec& codec = metrogw::adapters::fhirR4Codec();
  auto first = codec.decode(text);
  if (!first.isOk()) {
    const std::string& msg = first.status().message();
    if (msg.empty() || msg[0] != '/' || msg.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  auto encoded = codec.encode(*first);
  if (!encoded.isOk()) return 0;  // e.g. strings that are not valid UTF-8 cannot be written
  auto second = codec.decode(*encoded);
  if (!second.isOk()) {
    std::fprintf(stderr, "re-decode failed: %s\n%s\n", second.status().message().c_str(), encoded->c_str());
    std::abort();
  }
  if (!(*first == *second)) {
    std::fprintf(stderr, "round trip differs:\n%s\n", encoded->c_str());
    std::abort();
  }
  return 0;
}
