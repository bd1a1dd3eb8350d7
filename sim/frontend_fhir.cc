// fhir-r4 front-end: FHIR REST under /fhir; requests map to canonical Query/Command envelopes with
// adapters/fhir/rest.h, answers are encoded with the fhir-r4 codec (OperationOutcome for problems).
#include "adapters/codec.h"
#include "common/logging.h"
#include "sim/frontends.h"

#if __has_include("adapters/fhir/rest.h")
#include "adapters/fhir/rest.h"
#define METROGW_SIM_HAVE_FHIR_REST 1
#endif

namespace metrogw::sim {
namespace {

constexpr std::string_view kFhirJson = "application/fhir+json; charset=utf-8";

[[nodiscard]] StatusOr<model::EnvelopeT> decodeRest(const HttpRequest& req) {
#ifdef METROGW_SIM_HAVE_FHIR_REST
  return adapters::fhir::fromRestRequest(req.method, req.target, req.body);
#else
  (void)req;
  return Status::internal("fhir-r4: REST mapping not implemented yet (adapters/fhir/rest.h)");
#endif
}

// An OperationOutcome written here when the codec cannot encode the answer.
[[nodiscard]] std::string fallbackOutcome(std::string_view detail) {
  std::string out =
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"exception","diagnostics":")";
  log::appendJsonEscaped(out, detail);
  out += "\"}]}";
  return out;
}

}  // namespace

HttpHandler fhirHandler(Dispatcher& dispatcher, std::string city) {
  return [&dispatcher, city](const HttpRequest& req) -> HttpResponse {
    auto request = decodeRest(req);
    model::EnvelopeT answer = request.isOk()
                                  ? dispatcher.handle(request.value())
                                  : model::envelopeOf(problemFromStatus(request.status(), city), city);
    if (!request.isOk()) stampAnswer(answer, city);
    int status = httpStatusOf(answer);
    if (!request.isOk() && request.status().code() == StatusCode::kInternal) status = 501;
    if (status == 200 && answer.body.AsAppointment() != nullptr && req.method == "POST") status = 201;
    logExchange("fhir-r4", request.isOk() ? &request.value() : nullptr, answer, status);
    auto encoded = adapters::findCodec("fhir-r4")->encode(answer);
    if (!encoded.isOk()) {
      log::warn("sim", "fhir-r4 encode failed: " + encoded.status().message());
      const auto* p = answer.body.AsProblem();
      return HttpResponse{
          p ? status : 500, std::string(kFhirJson),
          fallbackOutcome(p ? p->detail : "cannot encode the answer: " + encoded.status().message())};
    }
    return HttpResponse{status, std::string(kFhirJson), std::move(encoded).value()};
  };
}

}  // namespace metrogw::sim
