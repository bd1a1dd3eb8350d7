// libFuzzer target: bytes received from a peer node go through model::verify()/unpack(). Nothing
// may crash, leak or read out of bounds; a buffer that verifies must unpack, re-pack and verify
// again to an equal envelope, and print as JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "model/model.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Peer bodies are copied into a std::string (aligned storage) before verification.
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  auto env = metrogw::model::unpack(bytes);
  if (!env.isOk()) return 0;
  const std::string again = metrogw::model::pack(env.value());
  auto env2 = metrogw::model::unpack(again);
  if (!env2.isOk() || !(env2.value() == env.value())) {
    auto show = [](const std::string& b) {
      auto json = metrogw::model::toJson(b, /*indent=*/false);
      return json.isOk() ? *json : json.status().message();
    };
    std::fprintf(stderr, "re-pack differs:\nfirst:  %s\nsecond: %s\n", show(bytes).c_str(),
                 show(again).c_str());
    std::abort();
  }
  (void)metrogw::model::toJson(again, /*indent=*/false);
  return 0;
}
