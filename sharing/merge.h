// The asking node's merge of the owning nodes' answers to one sharing request.
//
// A city that permitted contributes its records; a city that denied contributes nothing and is
// not named anywhere (no count, no total, no "incomplete" entry: that would reveal records the
// caller may not see). A city that failed or was late is listed in `incomplete`. When no city
// permitted and at least one denied, the whole answer is a refusal (403).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "gateway/http/problem.h"
#include "model/model.h"

namespace metrogw::sharing {

struct Merged {
  std::vector<std::unique_ptr<model::LabReportT>> lab_reports;  // in city order, then as answered
  std::vector<std::unique_ptr<model::RecordSummaryT>> summaries;
  std::vector<std::unique_ptr<model::IncompleteT>> incomplete;
  int permitted = 0;
  int denied = 0;
  int not_found = 0;
  bool break_glass_refused = false;
};

// Adds one city's answer (an envelope from answerAsOwner or a peer, or a transport failure).
void addAnswer(const std::string& city, StatusOr<model::EnvelopeT> answer, Merged& merged);
// Marks `city` as late (no answer before the deadline).
void addLate(const std::string& city, Merged& merged);

// The refusal to answer with instead of data: set when nothing was permitted and something was
// denied.
[[nodiscard]] std::optional<gateway::http::Problem> refusal(const Merged& merged);

}  // namespace metrogw::sharing
