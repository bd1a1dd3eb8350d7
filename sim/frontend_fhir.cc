// fhir-r4 front-end: FHIR REST under /fhir; requests map to canonical Query/Command envelopes with
// adapters/fhir/rest.h, answers are encoded with the fhir-r4 codec (OperationOutcome for problems).
#include <utility>

#include "adapters/codec.h"
#include "adapters/fhir/rest.h"
#include "common/logging.h"
#include "sim/frontends.h"

namespace metrogw::sim {
namespace {

constexpr std::string_view kFhirJson = "application/fhir+json; charset=utf-8";

// An OperationOutcome written here when the codec cannot encode the answer.
[[nodiscard]] std::string fallbackOutcome(std::string_view detail) {
  std::string out =
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception","diagnostics":")";
  log::appendJsonEscaped(out, detail);
  out += "\"}]}";
  return out;
}

// The answer in FHIR JSON; an OperationOutcome of our own when the codec cannot encode it.
[[nodiscard]] HttpResponse respond(const model::EnvelopeT& answer, int status) {
  auto encoded = adapters::findCodec("fhir-r4")->encode(answer);
  if (encoded.isOk()) return HttpResponse{status, std::string(kFhirJson), std::move(encoded).value()};
  log::warn("sim", "fhir-r4 encode failed: " + encoded.status().message());
  const auto* p = answer.body.AsProblem();
  return HttpResponse{
      p ? status : 500, std::string(kFhirJson),
      fallbackOutcome(p ? p->detail : "cannot encode the answer: " + encoded.status().message())};
}

}  // namespace

HttpHandler fhirHandler(Dispatcher& dispatcher, std::string city) {
  return [&dispatcher, city = std::move(city)](const HttpRequest& req) -> HttpResponse {
    const std::string_view path = std::string_view(req.target).substr(0, req.target.find('?'));
    if (path != kFhirBase && path.substr(0, kFhirBase.size() + 1) != std::string(kFhirBase) + "/") {
      auto answer =
          model::envelopeOf(makeProblem(404, "not-found", "Not Found", "path: not under /fhir", city));
      stampAnswer(answer, city);
      logExchange("fhir-r4", nullptr, answer, 404);
      return respond(answer, 404);
    }
    auto request = adapters::fhir::fromRestRequest(req.method, req.target, req.body);
    model::EnvelopeT answer = request.isOk()
                                  ? dispatcher.handle(request.value())
                                  : model::envelopeOf(problemFromStatus(request.status(), city), city);
    if (!request.isOk()) stampAnswer(answer, city);
    int status = httpStatusOf(answer);
    if (status == 200 && answer.body.AsAppointment() != nullptr && req.method == "POST") status = 201;
    logExchange("fhir-r4", request.isOk() ? &request.value() : nullptr, answer, status);
    return respond(answer, status);
  };
}

}  // namespace metrogw::sim
