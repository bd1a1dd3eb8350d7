// Problem catalogue and JSON rendering.
#include "gateway/http/problem.h"

#include <array>

#include "common/logging.h"

namespace metrogw::gateway::http {
namespace {
constexpr std::array<ProblemInfo, 36> kProblems = {{
    {400, "malformed-request", "Malformed request"},
    {404, "not-found", "No route for this request"},
    {405, "method-not-allowed", "Method not allowed"},
    {408, "request-timeout", "Request not received in time"},
    {413, "body-too-large", "Request body too large"},
    {431, "header-too-large", "Request header fields too large"},
    {501, "not-implemented", "Not implemented"},
    {502, "bad-gateway", "Invalid answer from upstream"},
    {503, "upstream-unavailable", "Upstream unavailable"},
    {503, "circuit-open", "Upstream circuit breaker open"},
    {503, "draining", "Node is shutting down"},
    {503, "too-many-connections", "Too many connections"},
    {504, "upstream-timeout", "Upstream did not answer in time"},
    {500, "internal", "Internal error"},
    {403, "caller-not-allowed", "Caller not allowed"},
    {400, "invalid-parameter", "Invalid query parameter"},
    {422, "unprocessable-message", "Message could not be processed"},
    {502, "platform-error", "City platform answered with an error"},
    {422, "invalid-identifier", "Patient identifier is not valid"},
    {404, "unknown-patient", "No cross-reference for this patient token"},
    {409, "slot-unavailable", "Slot not available"},
    {409, "hold-expired", "Hold expired or unknown"},
    {409, "booking-window-closed", "Slot not yet open for booking"},
    {409, "reserved-for-family-doctors", "Remaining places are reserved for family doctors"},
    {409, "patient-limit-reached", "Patient booking limit reached"},
    {409, "patient-suspended", "Patient suspended from online booking"},
    {409, "cancellation-cutoff-passed", "Cancellation cut-off passed"},
    {400, "idempotency-key-required", "Idempotency-Key header required"},
    {422, "idempotency-key-reused", "Idempotency-Key reused with a different request"},
    {404, "appointment-not-found", "Appointment not found"},
    {403, "consent-required", "Patient consent required"},
    {404, "consent-not-found", "Consent not found"},
    {403, "break-glass-not-permitted", "Emergency access not permitted"},
    {503, "audit-unavailable", "Audit trail unavailable"},
    {422, "invalid-referral", "Referral is not valid"},
    {409, "referral-transition-not-allowed", "Referral status does not allow this"},
}};
}  // namespace

const ProblemInfo& problemInfo(Problem p) { return kProblems.at(static_cast<size_t>(p)); }

std::string problemType(Problem p) {
  return std::string("urn:metrogw:problem:") + std::string(problemInfo(p).slug);
}

std::string problemBody(Problem p, std::string_view detail, std::string_view request_id) {
  const ProblemInfo& info = problemInfo(p);
  std::string out;
  out.reserve(160 + detail.size());
  out += R"({"type":"urn:metrogw:problem:)";
  out += info.slug;
  out += R"(","title":")";
  out += info.title;
  out += R"(","status":)";
  out += std::to_string(info.status);
  if (!detail.empty()) {
    out += R"(,"detail":")";
    log::appendJsonEscaped(out, detail);
    out += '"';
  }
  if (!request_id.empty()) {
    out += R"(,"instance":"urn:metrogw:request:)";
    log::appendJsonEscaped(out, request_id);
    out += '"';
  }
  out += "}";
  return out;
}

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace metrogw::gateway::http
