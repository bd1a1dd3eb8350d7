// Fuzz target: the hl7v3-cda codec. Any input must decode or fail cleanly with a one-line error
// starting with an XML path; whatever decodes must encode, and the encoding must decode back to the
// same canonical value (decode(encode(x)) == x). On a mismatch both envelopes (JSON) and the
// encoding are printed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/hl7v3/codec.h"

namespace {

std::string json(const metrogw::model::EnvelopeT& env) {
  auto text = metrogw::model::toJson(metrogw::model::pack(env), /*indent=*/true);
  return text.isOk() ? *text : text.status().message();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const metrogw::adapters::Codec& codec = metrogw::adapters::hl7v3CdaCodec();
  auto env = codec.decode(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!env.isOk()) {
    const std::string& msg = env.status().message();
    if (msg.empty() || msg[0] != '/' || msg.find_first_of("\r\n") != std::string::npos) {
      std::fprintf(stderr, "error message is not one line starting with a path: [%s]\n", msg.c_str());
      std::abort();
    }
    return 0;
  }
  auto xml = codec.encode(*env);
  if (!xml.isOk()) return 0;  // e.g. a response carrying no result kind we write: refused, not crashed
  auto back = codec.decode(*xml);
  if (!back.isOk()) {
    std::fprintf(stderr, "re-decode failed: %s\n%s\n", back.status().message().c_str(), xml->c_str());
    std::abort();
  }
  if (!(back.value() == env.value())) {
    std::fprintf(stderr, "round trip differs:\nencoding:\n%s\nfirst:\n%s\nsecond:\n%s\n", xml->c_str(),
                 json(*env).c_str(), json(*back).c_str());
    std::abort();
  }
  return 0;
}
