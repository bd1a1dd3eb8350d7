// hl7v2 front-end: one ER7 message in (from an MLLP frame), one response message out.
#include <utility>

#include "adapters/codec.h"
#include "common/logging.h"
#include "sim/frontends.h"

namespace metrogw::sim {
namespace {

// MSH-n of an ER7 message (n >= 3), or "" (segments end with CR or LF).
[[nodiscard]] std::string mshField(const std::string& message, size_t n) {
  if (message.size() < 8 || message.compare(0, 3, "MSH") != 0) return {};
  const char sep = message[3];
  const std::string_view msh(message.data(), std::min(message.find_first_of("\r\n"), message.size()));
  size_t pos = 3;  // MSH-1 is the separator itself; MSH-2 starts at 4
  for (size_t field = 2; field < n; ++field) {
    pos = msh.find(sep, pos + 1);
    if (pos == std::string_view::npos) return {};
  }
  const size_t end = msh.find(sep, pos + 1);
  return std::string(msh.substr(pos + 1, end == std::string_view::npos ? end : end - pos - 1));
}

// A minimal ACK when the codec cannot even produce its own error message.
[[nodiscard]] std::string rejectAck(const std::string& request, const std::string& city,
                                    std::string_view why) {
  std::string text(why.substr(0, 200));
  for (char& c : text) {
    if (c == '|' || c == '^' || c == '~' || c == '\\' || c == '&' || c == '\r' || c == '\n') c = ' ';
  }
  return "MSH|^~\\&|METROGW-SIM|" + city + "|" + mshField(request, 3) + "|" + mshField(request, 4) +
         "||ACK|ACK-" + mshField(request, 10) + "|P|2.5\rMSA|AR|" + mshField(request, 10) +
         "\rERR|||207^Application internal error^HL70357|E||||" + text + "\r";
}

}  // namespace

MllpHandler hl7v2Handler(Dispatcher& dispatcher, std::string city) {
  return [&dispatcher, city = std::move(city)](const std::string& message) -> std::string {
    const adapters::Codec* codec = adapters::findCodec("hl7v2");
    auto request = codec->decode(message);
    model::EnvelopeT answer;
    if (request.isOk()) {
      if (request->message_id.empty()) request->message_id = mshField(message, 10);
      answer = dispatcher.handle(request.value());
    } else {
      answer = model::envelopeOf(problemFromStatus(request.status(), city), city);
      stampAnswer(answer, city);
      answer.in_reply_to = mshField(message, 10);
    }
    logExchange("hl7v2", request.isOk() ? &request.value() : nullptr, answer, httpStatusOf(answer));
    auto encoded = codec->encode(answer);
    if (encoded.isOk()) return std::move(encoded).value();
    log::warn("sim", "hl7v2 encode failed: " + encoded.status().message());
    return rejectAck(message, city, request.isOk() ? encoded.status().message() : request.status().message());
  };
}

}  // namespace metrogw::sim
