#include "sharing/render.h"

#include "adapters/codec.h"

namespace metrogw::sharing {
namespace {

using gateway::LocalResponse;
using gateway::http::Problem;

constexpr std::string_view kFhirJson = "application/fhir+json";

[[nodiscard]] std::string incompleteHeader(const Merged& merged) {
  std::string out;
  for (const auto& i : merged.incomplete) out += (out.empty() ? "" : ",") + i->city;
  return out;
}

template <class T>
[[nodiscard]] StatusOr<std::string> bodyJson(T body) {
  return model::bodyToJson(model::pack(model::envelopeOf(std::move(body))), false);
}

[[nodiscard]] StatusOr<std::string> fhirOf(const model::EnvelopeT& env) {
  const adapters::Codec* codec = adapters::findCodec("fhir-r4");
  if (codec == nullptr) return Status::internal("no fhir-r4 codec");
  return codec->encode(env);
}

[[nodiscard]] LocalResponse answer(StatusOr<std::string> body, bool fhir, const std::string& late) {
  if (!body.isOk()) return LocalResponse::problem(Problem::kInternal, body.status().message(), "");
  LocalResponse r = LocalResponse::json(200, std::move(body.value()));
  if (fhir) r.content_type = std::string(kFhirJson);
  if (!late.empty()) r.headers.add("X-Metrogw-Incomplete", late);
  return r;
}

// The cities that did not answer, as `"incomplete":[...]` members for hand-built JSON ("" when none).
[[nodiscard]] std::string incompleteMember(Merged& merged) {
  if (merged.incomplete.empty()) return "";
  model::SearchResultT only;
  only.incomplete = std::move(merged.incomplete);
  auto json = bodyJson(std::move(only));  // {"incomplete":[...]}
  if (!json.isOk() || json->size() < 2) return "";
  return "," + json->substr(1, json->size() - 2);
}

[[nodiscard]] LocalResponse notFound(const Merged& merged, std::string_view what,
                                     std::string_view request_id) {
  if (!merged.incomplete.empty())
    return LocalResponse::problem(
        Problem::kUpstreamUnavailable,
        std::string(what) + ": not every city holding the patient's records answered", request_id);
  return LocalResponse::problem(Problem::kNotFound, std::string(what) + ": none for this patient",
                                request_id);
}

}  // namespace

bool wantsFhir(const gateway::LocalRequest& request) {
  const std::string* accept = request.head.headers.get("accept");
  return accept != nullptr && accept->find(kFhirJson) != std::string::npos;
}

LocalResponse labReportsResponse(Merged merged, bool fhir) {
  const std::string late = incompleteHeader(merged);
  model::SearchResultT result;
  result.lab_reports = std::move(merged.lab_reports);
  // FHIR: the incomplete cities go in the header only (a searchset Bundle has no place for them).
  if (fhir) return answer(fhirOf(model::envelopeOf(std::move(result))), true, late);
  result.incomplete = std::move(merged.incomplete);
  return answer(bodyJson(std::move(result)), false, late);
}

LocalResponse labReportResponse(Merged merged, bool fhir, std::string_view request_id) {
  if (merged.lab_reports.empty()) return notFound(merged, "lab report", request_id);
  const std::string late = incompleteHeader(merged);
  model::LabReportT report = std::move(*merged.lab_reports.front());
  if (fhir) return answer(fhirOf(model::envelopeOf(std::move(report))), true, late);
  return answer(bodyJson(std::move(report)), false, late);
}

LocalResponse recordSummaryResponse(Merged merged, bool fhir, std::string_view request_id) {
  if (merged.summaries.empty()) return notFound(merged, "record summary", request_id);
  const std::string late = incompleteHeader(merged);
  std::string body =
      fhir ? R"({"resourceType":"Bundle","type":"collection","entry":[)" : R"({"record_summaries":[)";
  for (size_t i = 0; i < merged.summaries.size(); ++i) {
    model::RecordSummaryT summary = std::move(*merged.summaries[i]);
    auto one = fhir ? fhirOf(model::envelopeOf(std::move(summary))) : bodyJson(std::move(summary));
    if (!one.isOk()) return LocalResponse::problem(Problem::kInternal, one.status().message(), request_id);
    if (fhir && merged.summaries.size() == 1) return answer(std::move(one), true, late);
    body += (i == 0 ? "" : ",") + (fhir ? R"({"resource":)" + *one + "}" : *one);
  }
  body += "]";
  if (!fhir) body += incompleteMember(merged);
  body += "}";
  return answer(std::move(body), fhir, late);
}

}  // namespace metrogw::sharing
