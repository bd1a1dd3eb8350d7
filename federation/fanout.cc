#include "federation/fanout.h"

#include <algorithm>
#include <memory>
#include <set>

namespace metrogw::federation {
namespace {

template <class T>
void appendAll(std::vector<std::unique_ptr<T>>& into, std::vector<std::unique_ptr<T>>& from) {
  for (auto& item : from) into.push_back(std::move(item));
}

void addIncomplete(model::SearchResultT& merged, const std::string& city, std::string reason,
                   std::string detail) {
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

void mergeSearchResult(model::SearchResultT& into, model::SearchResultT& from) {
  appendAll(into.patients, from.patients);
  appendAll(into.organizations, from.organizations);
  appendAll(into.departments, from.departments);
  appendAll(into.practitioners, from.practitioners);
  appendAll(into.schedules, from.schedules);
  appendAll(into.slots, from.slots);
  appendAll(into.appointments, from.appointments);
  appendAll(into.lab_reports, from.lab_reports);
  appendAll(into.incomplete, from.incomplete);
  if (from.total >= 0) into.total = std::max(into.total, 0) + from.total;
}

// Shared by the per-city callbacks and the deadline timer; lives until the last of them is done.
class FanOutState : public std::enable_shared_from_this<FanOutState> {
 public:
  FanOutState(Dispatcher& dispatcher, const std::vector<std::string>& cities, MergedCallback done)
      : pending_(cities.begin(), cities.end()),
        done_(std::move(done)),
        timer_(dispatcher.base(), [this] { onDeadline(); }) {}

  void start(std::chrono::milliseconds deadline, const CityCall& call,
             const std::vector<std::string>& cities) {
    self_ = shared_from_this();  // kept until finish(): the timer alone may be left holding us
    timer_.enableOnce(deadline);
    for (const std::string& city : cities) {
      call(city, [state = shared_from_this(), city](StatusOr<model::EnvelopeT> answer) {
        state->onAnswer(city, std::move(answer));
      });
    }
    if (pending_.empty()) finish();
  }

 private:
  void onAnswer(const std::string& city, StatusOr<model::EnvelopeT> answer) {
    if (finished_ || pending_.erase(city) == 0) return;
    mergeAnswer(city, std::move(answer), merged_);
    if (pending_.empty()) finish();
  }

  void onDeadline() {
    for (const std::string& city : pending_)
      addIncomplete(merged_, city, "timeout", "no answer before the deadline");
    pending_.clear();
    finish();
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    timer_.disable();
    sortMerged(merged_);
    MergedCallback done = std::move(done_);
    auto keep = std::move(self_);  // may free this at the end of the scope
    done(std::move(merged_));
  }

  std::set<std::string> pending_;
  MergedCallback done_;
  model::SearchResultT merged_;
  Timer timer_;
  std::shared_ptr<FanOutState> self_;
  bool finished_ = false;
};

}  // namespace

void mergeAnswer(const std::string& city, StatusOr<model::EnvelopeT> answer, model::SearchResultT& merged) {
  if (!answer.isOk()) {
    addIncomplete(merged, city, std::string(reasonFor(answer.status().code())), answer.status().message());
    return;
  }
  model::EnvelopeT& env = answer.value();
  switch (env.body.type) {
    case model::Body::SearchResult: mergeSearchResult(merged, *env.body.AsSearchResult()); return;
    case model::Body::Problem: {
      const model::ProblemT& p = *env.body.AsProblem();
      addIncomplete(merged, city, "refused", p.title + (p.detail.empty() ? "" : ": " + p.detail));
      return;
    }
    default:
      addIncomplete(merged, city, "malformed",
                    "answer is a " + std::string(model::bodyKind(env.body.type)) + ", not a search result");
  }
}

void sortMerged(model::SearchResultT& merged) {
  std::stable_sort(merged.slots.begin(), merged.slots.end(), [](const auto& a, const auto& b) {
    return std::tie(a->start, a->id) < std::tie(b->start, b->id);
  });
  std::stable_sort(
      merged.organizations.begin(), merged.organizations.end(),
      [](const auto& a, const auto& b) { return std::tie(a->city, a->name) < std::tie(b->city, b->name); });
  std::stable_sort(merged.incomplete.begin(), merged.incomplete.end(),
                   [](const auto& a, const auto& b) { return a->city < b->city; });
}

void fanOut(Dispatcher& dispatcher, const std::vector<std::string>& cities,
            std::chrono::milliseconds deadline, const CityCall& call, MergedCallback done) {
  auto state = std::make_shared<FanOutState>(dispatcher, cities, std::move(done));
  state->start(deadline, call, cities);
}

}  // namespace metrogw::federation
