// The simulator's seam between transports and data: one canonical request in, one answer out.
//
// Transports decode a dialect message into an envelope whose body is a Query or a Command, call
// handle(), and encode the answer in the same dialect. Answers: SearchResult (searches),
// Appointment (commands), LabReport / RecordSummary (single-resource queries) or Problem.
// in_reply_to is the request's message_id; origin_city the simulated city. Single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "model/model.h"

namespace metrogw::sim {

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  [[nodiscard]] virtual model::EnvelopeT handle(const model::EnvelopeT& request) = 0;
};

// A Problem body: type "urn:metrogw:problem:<slug>".
[[nodiscard]] model::ProblemT makeProblem(uint16_t status, std::string_view slug, std::string_view title,
                                          std::string_view detail, std::string_view city);
// The Problem for a failed status: notFound 404 not-found, resourceExhausted 409 slot-taken,
// invalidArgument/malformedMessage 400 bad-request, anything else 500 internal.
[[nodiscard]] model::ProblemT problemFromStatus(const Status& status, std::string_view city);
// Gives an answer its own message id ("<city>-R<n>", unique in the process) and sent time.
void stampAnswer(model::EnvelopeT& answer, std::string_view city);
// HTTP status for an answer: the Problem's status, else 200.
[[nodiscard]] int httpStatusOf(const model::EnvelopeT& answer);

}  // namespace metrogw::sim
