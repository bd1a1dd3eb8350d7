#include "sharing/merge.h"

namespace metrogw::sharing {
namespace {

using gateway::http::Problem;

void addIncomplete(Merged& merged, const std::string& city, std::string reason, std::string detail) {
  auto item = std::make_unique<model::IncompleteT>();
  item->city = city;
  item->reason = std::move(reason);
  item->detail = std::move(detail);
  merged.incomplete.push_back(std::move(item));
}

[[nodiscard]] std::string_view reasonFor(StatusCode code) {
  switch (code) {
    case StatusCode::kUpstreamTimeout: return "timeout";
    case StatusCode::kUpstreamUnavailable: return "unavailable";
    case StatusCode::kMalformedMessage: return "malformed";
    default: return "error";
  }
}

void addProblem(const std::string& city, const model::ProblemT& p, Merged& merged) {
  if (p.type == gateway::http::problemType(Problem::kConsentRequired)) {
    ++merged.denied;
  } else if (p.type == gateway::http::problemType(Problem::kBreakGlassNotPermitted)) {
    ++merged.denied;
    merged.break_glass_refused = true;
  } else if (p.type == gateway::http::problemType(Problem::kNotFound) ||
             p.type == gateway::http::problemType(Problem::kUnknownPatient)) {
    ++merged.not_found;
  } else {
    addIncomplete(merged, city, "refused", p.title + (p.detail.empty() ? "" : ": " + p.detail));
  }
}

}  // namespace

void addAnswer(const std::string& city, StatusOr<model::EnvelopeT> answer, Merged& merged) {
  if (!answer.isOk()) {
    addIncomplete(merged, city, std::string(reasonFor(answer.status().code())), answer.status().message());
    return;
  }
  model::EnvelopeT& env = answer.value();
  switch (env.body.type) {
    case model::Body::SearchResult:
      ++merged.permitted;
      for (auto& r : env.body.AsSearchResult()->lab_reports) merged.lab_reports.push_back(std::move(r));
      return;
    case model::Body::LabReport:
      ++merged.permitted;
      merged.lab_reports.push_back(std::make_unique<model::LabReportT>(std::move(*env.body.AsLabReport())));
      return;
    case model::Body::RecordSummary:
      ++merged.permitted;
      merged.summaries.push_back(
          std::make_unique<model::RecordSummaryT>(std::move(*env.body.AsRecordSummary())));
      return;
    case model::Body::Problem: addProblem(city, *env.body.AsProblem(), merged); return;
    default:
      addIncomplete(merged, city, "malformed", "answer is a " + std::string(model::bodyKind(env.body.type)));
  }
}

void addLate(const std::string& city, Merged& merged) {
  addIncomplete(merged, city, "timeout", "no answer before the deadline");
}

std::optional<Problem> refusal(const Merged& merged) {
  if (merged.permitted > 0 || merged.denied == 0) return std::nullopt;
  return merged.break_glass_refused ? Problem::kBreakGlassNotPermitted : Problem::kConsentRequired;
}

}  // namespace metrogw::sharing
