// hl7v3-cda front-end: an HTTP POST of one HL7 v3 interaction to /hip, its response message back.
#include <utility>

#include "adapters/codec.h"
#include "common/logging.h"
#include "sim/frontends.h"

namespace metrogw::sim {
namespace {

constexpr std::string_view kXml = "application/xml; charset=utf-8";

[[nodiscard]] HttpResponse plain(int status, std::string text) {
  return HttpResponse{status, "text/plain; charset=utf-8", std::move(text) + "\n"};
}

}  // namespace

HttpHandler hl7v3Handler(Dispatcher& dispatcher, std::string city) {
  return [&dispatcher, city = std::move(city)](const HttpRequest& req) -> HttpResponse {
    const std::string path = req.target.substr(0, req.target.find('?'));
    if (path != kHl7v3Path) return plain(404, "not found: POST HL7 v3 messages to /hip");
    if (req.method != "POST") return plain(405, "method not allowed: POST HL7 v3 messages to /hip");
    const adapters::Codec* codec = adapters::findCodec("hl7v3-cda");
    auto request = codec->decode(req.body);
    model::EnvelopeT answer = request.isOk()
                                  ? dispatcher.handle(request.value())
                                  : model::envelopeOf(problemFromStatus(request.status(), city), city);
    if (!request.isOk()) stampAnswer(answer, city);
    const int status = httpStatusOf(answer);
    logExchange("hl7v3-cda", request.isOk() ? &request.value() : nullptr, answer, status);
    auto encoded = codec->encode(answer);
    if (!encoded.isOk()) {
      log::warn("sim", "hl7v3-cda encode failed: " + encoded.status().message());
      const auto* p = answer.body.AsProblem();
      return plain(p ? status : 500,
                   p ? p->detail : "cannot encode the answer: " + encoded.status().message());
    }
    return HttpResponse{status, std::string(kXml), std::move(encoded).value()};
  };
}

}  // namespace metrogw::sim
