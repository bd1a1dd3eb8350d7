#include "sim/dispatcher.h"

#include <atomic>
#include <chrono>

#include "sim/dates.h"

namespace metrogw::sim {

model::ProblemT makeProblem(uint16_t status, std::string_view slug, std::string_view title,
                            std::string_view detail, std::string_view city) {
  model::ProblemT p;
  p.type = "urn:metrogw:problem:" + std::string(slug);
  p.title = title;
  p.status = status;
  p.detail = detail;
  p.city = city;
  return p;
}

model::ProblemT problemFromStatus(const Status& status, std::string_view city) {
  switch (status.code()) {
    case StatusCode::kNotFound: return makeProblem(404, "not-found", "Not Found", status.message(), city);
    case StatusCode::kResourceExhausted:
      return makeProblem(409, "slot-taken", "Slot Taken", status.message(), city);
    case StatusCode::kInvalidArgument:
    case StatusCode::kMalformedMessage:
      return makeProblem(400, "bad-request", "Bad Request", status.message(), city);
    default: return makeProblem(500, "internal", "Internal Error", status.message(), city);
  }
}

void stampAnswer(model::EnvelopeT& answer, std::string_view city) {
  static std::atomic<uint64_t> next{1};
  answer.message_id = std::string(city) + "-R" + std::to_string(next++);
  answer.sent = formatChinaTime(std::chrono::system_clock::now());
  if (answer.origin_city.empty()) answer.origin_city = city;
}

int httpStatusOf(const model::EnvelopeT& answer) {
  if (const auto* p = answer.body.AsProblem()) return p->status == 0 ? 500 : p->status;
  return 200;
}

}  // namespace metrogw::sim
