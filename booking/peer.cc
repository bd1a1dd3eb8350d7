#include "booking/peer.h"

#include <algorithm>
#include <cstdlib>

#include "booking/internal/outcome.h"
#include "booking/internal/referral.h"
#include "booking/internal/request.h"
#include "booking/internal/slot_model.h"
#include "booking/internal/times.h"
#include "federation/peer_api.h"
#include "federation/peer_link.h"

namespace metrogw::booking {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;
using gateway::http::Problem;

[[nodiscard]] StatusOr<Outcome> outcomeOfAnswer(StatusOr<model::EnvelopeT> answer, int ok_status) {
  if (!answer.isOk()) return answer.status();
  Outcome out;
  if (const auto* p = answer->body.AsProblem()) {
    const std::string_view type = p->type;
    const size_t colon = type.rfind(':');
    out.problem = internal::problemOfSlug(colon == std::string_view::npos ? type : type.substr(colon + 1));
    out.status = p->status;
    out.detail = p->detail;
    return out;
  }
  if (const auto* a = answer->body.AsAppointment()) {
    out.ok = true;
    out.status = ok_status;
    out.body = a->description;
    out.replay = answer->replayed;
    return out;
  }
  return Status::malformedMessage("the owning node answered another kind of message");
}

// The owner's answer envelope for an outcome.
[[nodiscard]] LocalResponse answerOf(const StatusOr<Outcome>& r) {
  if (!r.isOk()) return federation::envelopeProblem(Problem::kUpstreamUnavailable, r.status().message());
  if (!r->ok) return federation::envelopeProblem(r->problem, r->detail);
  model::AppointmentT a;
  a.description = r->body;
  model::EnvelopeT env = model::envelopeOf(std::move(a));
  env.replayed = r->replay;  // so the asking node can mark the replay for its caller too
  return federation::envelopeResponse(200, env);
}

[[nodiscard]] SlotSearch searchOf(const model::QueryT& q) {
  SlotSearch s;
  s.hospital = q.organization_id;
  s.department = q.department_code;
  s.doctor = q.practitioner_id;
  auto from = internal::parseIsoMs(q.from);
  auto to = internal::parseIsoMs(q.to);
  s.from_ms = from.isOk() ? *from : internal::unixNowMs();
  s.to_ms = to.isOk() ? *to : s.from_ms + 14 * 86'400'000LL;
  s.offset = std::strtoull(q.page_token.c_str(), nullptr, 10);
  s.limit = std::clamp<uint32_t>(q.limit, 1, 200);
  return s;
}

// A refusal answered on the loop (never inside the caller's stack).
void refuse(Service& service, Problem problem, std::string detail, OutcomeCallback done) {
  Outcome out;
  out.problem = problem;
  out.status = gateway::http::problemInfo(problem).status;
  out.detail = std::move(detail);
  service.worker().dispatcher.post([done = std::move(done), out] { done(out); });
}

class PeerHandler final : public gateway::LocalHandler {
 public:
  explicit PeerHandler(std::shared_ptr<Service> service) : service_(std::move(service)) {}

  void handle(const LocalRequest& request, Respond respond) override {
    if (Status s = service_->ready(); !s.isOk()) {
      respond(federation::envelopeProblem(Problem::kNotImplemented, s.message()));
      return;
    }
    const std::string city = federation::peerCityOf(service_->config(), request.caller);
    if (city.empty()) {
      respond(federation::envelopeProblem(Problem::kCallerNotAllowed,
                                          "caller certificate is not a configured peer node"));
      return;
    }
    const std::string copy(request.body);
    auto env = model::unpack(copy);
    if (!env.isOk()) {
      respond(federation::envelopeProblem(Problem::kMalformedRequest, env.status().message()));
      return;
    }
    if (const auto* c = env->body.AsCommand()) {
      const Caller caller{city, c->requester && !c->requester->id.empty() ? c->requester->id : "anonymous",
                          c->family_doctor};
      runCommand(service_, caller, *c, [respond](const StatusOr<Outcome>& r) { respond(answerOf(r)); });
      return;
    }
    const auto* q = env->body.AsQuery();
    if (q != nullptr && q->purpose == kReadPurpose) {
      const Caller caller{city, q->text.empty() ? "anonymous" : q->text, false};
      service_->pool().read(caller, q->id, [respond](const StatusOr<Outcome>& r) { respond(answerOf(r)); });
      return;
    }
    if (q != nullptr && q->kind == model::QueryKind::Slots) {
      searchLocal(*q, std::move(respond));
      return;
    }
    respond(federation::envelopeProblem(Problem::kUnprocessable, "expected a booking command or query"));
  }

 private:
  void searchLocal(const model::QueryT& q, Respond respond) {
    service_->pool().search(searchOf(q), [respond = std::move(respond)](StatusOr<SearchPage> page) {
      if (!page.isOk()) {
        respond(federation::envelopeProblem(Problem::kUpstreamUnavailable, page.status().message()));
        return;
      }
      model::SearchResultT result;
      for (const auto& v : page->slots)
        result.slots.push_back(std::make_unique<model::SlotT>(internal::slotModel(v)));
      result.next_page_token = page->next_cursor;
      respond(federation::envelopeResponse(200, model::envelopeOf(std::move(result))));
    });
  }

  std::shared_ptr<Service> service_;
};

}  // namespace

void runCommand(const std::shared_ptr<Service>& service, const Caller& caller, const model::CommandT& c,
                OutcomeCallback done) {
  const std::string patient = c.patient ? c.patient->id : "";
  switch (c.action) {
    case model::CommandAction::Hold:
      service->pool().hold(caller, {c.idempotency_key, internal::requestDigest("hold", c.slot_id, c.reason)},
                           c.slot_id, patient, std::move(done));
      return;
    case model::CommandAction::Book: {
      auto body = internal::parseBookBody(c.reason);
      if (!body.isOk()) {
        refuse(*service, Problem::kMalformedRequest, body.status().message(), std::move(done));
        return;
      }
      if (!body->referral.empty()) {
        auto referral = internal::canonicalReferral(body->referral, caller.city);
        if (!referral.isOk()) {
          refuse(*service, Problem::kInvalidReferral, referral.status().message(), std::move(done));
          return;
        }
        body->referral = std::move(referral.value());
        // A new booking carrying a referral: the referral is requested.
        done = [service, done = std::move(done)](StatusOr<Outcome> r) {
          if (r.isOk() && r->ok && !r->replay) service->metrics().referral(internal::kReferralRequested);
          done(std::move(r));
        };
      }
      service->pool().book(caller, {c.idempotency_key, internal::requestDigest("book", c.slot_id, c.reason)},
                           body.value(), std::move(done));
      return;
    }
    case model::CommandAction::Cancel:
      service->pool().cancel(caller,
                             {c.idempotency_key, internal::requestDigest("cancel", c.appointment_id, "")},
                             c.appointment_id, std::move(done));
      return;
  }
}

void forwardToOwner(Service& service, const std::string& city, const model::EnvelopeT& request, int ok_status,
                    OutcomeCallback done) {
  const config::Peer* peer = service.config().federation->findPeer(city);
  if (peer == nullptr) {
    Outcome none;
    none.problem = Problem::kSlotUnavailable;
    none.status = 409;
    none.detail = "no node of city " + city + " in this federation";
    service.worker().dispatcher.post([done = std::move(done), none] { done(none); });
    return;
  }
  federation::callPeer(
      service.worker().client, *peer, request, service.settings().forward_timeout,
      [done = std::move(done), ok_status](StatusOr<model::EnvelopeT> answer) {
        done(outcomeOfAnswer(std::move(answer), ok_status));
      },
      kBookingPeerPath);
}

void searchOwner(Service& service, const std::string& city, const model::QueryT& query,
                 federation::EnvelopeCallback done) {
  const config::Peer* peer = service.config().federation->findPeer(city);
  if (peer == nullptr) {
    service.worker().dispatcher.post(
        [done = std::move(done), city] { done(Status::invalidArgument("no node of city " + city)); });
    return;
  }
  federation::callPeer(service.worker().client, *peer, model::envelopeOf(query),
                       service.settings().forward_timeout, std::move(done), kBookingPeerPath);
}

std::unique_ptr<gateway::LocalHandler> makePeerHandler(std::shared_ptr<Service> service) {
  return std::make_unique<PeerHandler>(std::move(service));
}

}  // namespace metrogw::booking
