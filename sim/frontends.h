// Dialect front-ends: turn one transport request into a canonical envelope with the dialect's
// codec, ask the Dispatcher, and encode its answer in the same dialect.
//
//   fhir-r4    HTTP under /fhir (adapters/fhir/rest.h maps method + target + body to a Query or
//              Command); answers Bundle searchset / Appointment / OperationOutcome, status 200,
//              400, 404, 409; Content-Type application/fhir+json.
//   hl7v2      MLLP; QBP^Q22, SQM^S25, MFQ^M05, QBP^Z01, SRM^S01/S04 in; the codec's response
//              message out with MSA-2 = the request's MSH-10. Undecodable input gets an ACK with
//              MSA-1 AR.
//   hl7v3-cda  HTTP POST of XML to /hip; the codec's response message out.
// Requests are logged as JSON lines on stderr with kinds and statuses only (no identifiers).
#pragma once

#include <string>

#include "adapters/codec.h"
#include "sim/dispatcher.h"
#include "sim/http_server.h"
#include "sim/mllp_server.h"

namespace metrogw::sim {

inline constexpr std::string_view kFhirBase = "/fhir";
inline constexpr std::string_view kHl7v3Path = "/hip";

// `dispatcher` must outlive the handlers. `city` names the simulated platform in answers.
[[nodiscard]] HttpHandler fhirHandler(Dispatcher& dispatcher, std::string city);
[[nodiscard]] MllpHandler hl7v2Handler(Dispatcher& dispatcher, std::string city);
[[nodiscard]] HttpHandler hl7v3Handler(Dispatcher& dispatcher, std::string city);

// One log line for a handled request: dialect, request kind, answer kind, status.
void logExchange(std::string_view dialect, const model::EnvelopeT* request, const model::EnvelopeT& answer,
                 int status);

}  // namespace metrogw::sim
