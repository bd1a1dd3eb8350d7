#include "sim/world_dispatcher.h"

#include "sim/search.h"

namespace metrogw::sim {
namespace {

class WorldDispatcher final : public Dispatcher {
 public:
  WorldDispatcher(const World& world, BookingBook& book) : world_(world), book_(book) {}

  model::EnvelopeT handle(const model::EnvelopeT& request) override {
    model::EnvelopeT answer;
    if (const auto* q = request.body.AsQuery()) {
      answer = answerQuery(*q);
    } else if (const auto* c = request.body.AsCommand()) {
      auto appointment = book_.execute(*c);
      answer = appointment.isOk() ? model::envelopeOf(std::move(appointment).value())
                                  : problem(appointment.status());
    } else {
      answer = model::envelopeOf(makeProblem(400, "bad-request", "Bad Request",
                                             "body: expected a query or a command", world_.city.prefix));
    }
    stampAnswer(answer, world_.city.prefix);
    answer.in_reply_to = request.message_id;
    return answer;
  }

 private:
  template <class T>
  [[nodiscard]] model::EnvelopeT wrap(StatusOr<T> result) const {
    return result.isOk() ? model::envelopeOf(std::move(result).value()) : problem(result.status());
  }

  [[nodiscard]] model::EnvelopeT problem(const Status& s) const {
    return model::envelopeOf(problemFromStatus(s, world_.city.prefix));
  }

  [[nodiscard]] model::EnvelopeT answerQuery(const model::QueryT& q) {
    switch (q.kind) {
      case model::QueryKind::Slots: return wrap(searchSlots(world_, book_, q));
      case model::QueryKind::Organizations:
      case model::QueryKind::Departments:
      case model::QueryKind::Practitioners: return wrap(searchDirectory(world_, q));
      case model::QueryKind::Patients: return wrap(searchPatients(world_, q));
      case model::QueryKind::LabReports: return wrap(searchLabReports(world_, q));
      case model::QueryKind::LabReport: return wrap(readLabReport(world_, q));
      case model::QueryKind::RecordSummary: return wrap(readRecordSummary(world_, q));
    }
    return problem(Status::invalidArgument("kind: unknown query kind"));
  }

  const World& world_;
  BookingBook& book_;
};

}  // namespace

std::unique_ptr<Dispatcher> makeWorldDispatcher(const World& world, BookingBook& book) {
  return std::make_unique<WorldDispatcher>(world, book);
}

}  // namespace metrogw::sim
