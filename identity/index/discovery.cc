#include "identity/index/discovery.h"

#include <chrono>
#include <memory>

#include "federation/fanout.h"

namespace metrogw::identity::index {
namespace {

[[nodiscard]] int64_t nowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Shared by the per-city callbacks: answers are matched as they arrive, until the fan-out ends.
struct Collect {
  Subject subject;
  CrossRef ref;
  bool finished = false;
};

}  // namespace

void discover(federation::NodeContext& node, std::chrono::milliseconds deadline, const Subject& subject,
              DiscoveryDone done) {
  auto state = std::make_shared<Collect>();
  state->subject = subject;
  const model::EnvelopeT request = model::envelopeOf(patientQuery(subject));
  federation::fanOut(
      node.worker().dispatcher, node.allCities(), deadline,
      [&node, state, request](const std::string& city, federation::EnvelopeCallback city_done) {
        node.ask(city, request,
                 [state, city, city_done = std::move(city_done)](StatusOr<model::EnvelopeT> answer) {
                   if (!state->finished && answer.isOk()) {
                     if (const auto* result = answer->body.AsSearchResult()) {
                       matchCity(city, *result, state->subject, nowUnix(), state->ref);
                     }
                   }
                   city_done(std::move(answer));
                 });
      },
      [state, done = std::move(done)](model::SearchResultT merged) {
        state->finished = true;
        for (auto& missing : merged.incomplete) {
          auto m = std::make_unique<xref::MissingT>();
          m->city = missing->city;
          m->reason = missing->reason;
          state->ref.incomplete.push_back(std::move(m));
        }
        state->ref.resolved_unix = nowUnix();
        done(std::move(state->ref));
      });
}

}  // namespace metrogw::identity::index
