#include "booking/internal/outcome.h"

namespace metrogw::booking::internal {

using gateway::LocalResponse;
using gateway::http::Problem;

Problem problemOfSlug(std::string_view slug) {
  for (size_t i = 0; i <= static_cast<size_t>(gateway::http::kLastProblem); ++i) {
    const auto p = static_cast<Problem>(i);
    if (gateway::http::problemInfo(p).slug == slug) return p;
  }
  return Problem::kInternal;
}

LocalResponse responseOf(const Outcome& outcome, std::string_view request_id) {
  if (!outcome.ok) return LocalResponse::problem(outcome.problem, outcome.detail, request_id);
  LocalResponse r = LocalResponse::json(outcome.status, outcome.body);
  if (outcome.replay) r.headers.add("Idempotent-Replayed", "true");
  return r;
}

LocalResponse failureOf(const Status& status, std::string_view request_id) {
  switch (status.code()) {
    case StatusCode::kUpstreamTimeout:
      return LocalResponse::problem(Problem::kUpstreamTimeout, status.message(), request_id);
    case StatusCode::kUpstreamUnavailable:
    case StatusCode::kResourceExhausted:
      return LocalResponse::problem(Problem::kUpstreamUnavailable, status.message(), request_id);
    default: return LocalResponse::problem(Problem::kInternal, status.message(), request_id);
  }
}

}  // namespace metrogw::booking::internal
