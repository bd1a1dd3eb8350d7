// Fuzz target for the hl7v2 codec: the input is fed through the MLLP decoder in pieces (when it
// starts with <VT>) or taken as one ER7 message; every message is decoded, and whatever decodes is
// encoded and decoded again, which must succeed and give the same envelope (codec.h: mapped fields
// survive decode -> encode -> decode), and the encoding must be a fixed point after one trip.
// Errors must be one line. On a failure the encodings (CR shown as LF) and envelopes are printed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/codec.h"
#include "adapters/hl7v2/mllp.h"

namespace {

// `text` printable: CR as LF, other control bytes (NUL included) as \xNN.
std::string lines(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\r' || c == '\n') {
      out += '\n';
    } else if (static_cast<unsigned char>(c) < 0x20) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(c >> 4) & 0xF];
      out += kHex[c & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

std::string json(const metrogw::model::EnvelopeT& env) {
  auto text = metrogw::model::toJson(metrogw::model::pack(env), /*indent=*/true);
  return lines(text.isOk() ? *text : text.status().message());
}

void checkError(const metrogw::Status& status) {
  const std::string& msg = status.message();
  if (msg.empty() || msg.find_first_of("\r\n") != std::string::npos) {
    std::fprintf(stderr, "error message is not one line: [%s]\n", lines(msg).c_str());
    std::abort();
  }
}

void roundTrip(std::string_view message) {
  const metrogw::adapters::Codec& codec = metrogw::adapters::hl7v2Codec();
  auto env = codec.decode(message);
  if (!env.isOk()) {
    checkError(env.status());
    return;
  }
  auto text = codec.encode(*env);
  if (!text.isOk()) return;  // e.g. an ACK^AA without MSA-2
  auto again = codec.decode(*text);
  if (!again.isOk()) {
    std::fprintf(stderr, "re-decode failed: %s\n%s\n", again.status().message().c_str(),
                 lines(*text).c_str());
    std::abort();
  }
  if (!(*again == *env)) {
    std::fprintf(stderr, "round trip differs:\nencoding:\n%s\nfirst:\n%s\nsecond:\n%s\n",
                 lines(*text).c_str(), json(*env).c_str(), json(*again).c_str());
    std::abort();
  }
  auto text2 = codec.encode(*again);
  if (!text2.isOk() || *text2 != *text) {  // encoding is a fixed point after one trip
    std::fprintf(stderr, "encoding differs:\nfirst:\n%s\nsecond:\n%s\n", lines(*text).c_str(),
                 text2.isOk() ? lines(*text2).c_str() : text2.status().message().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty() || input[0] != metrogw::adapters::hl7v2::kMllpStart) {
    roundTrip(input);
    return 0;
  }
  metrogw::adapters::hl7v2::MllpDecoder decoder(64 * 1024);
  std::vector<std::string> messages;
  const size_t step = 1 + size % 7;
  for (size_t i = 0; i < size; i += step) {
    if (!decoder.feed(input.substr(i, step), messages).isOk()) break;
  }
  for (const std::string& m : messages) roundTrip(m);
  return 0;
}
