#include "booking/handlers.h"

#include <map>
#include <mutex>

#include "booking/internal/outcome.h"
#include "booking/internal/referral.h"
#include "booking/internal/request.h"
#include "booking/peer.h"
#include "booking/referrals.h"
#include "booking/search.h"
#include "booking/service.h"

// "delivery"'s consumer registers with the handlers when its files are part of the tree.
#if __has_include("booking/delivery.h")
#include "booking/delivery.h"
#define METROGW_BOOKING_HAS_DELIVERY 1
#endif

namespace metrogw::booking {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;
using gateway::http::Problem;

[[nodiscard]] std::string paramOf(const LocalRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.params) {
    if (k == name) return v;
  }
  return "";
}

[[nodiscard]] Result resultOf(const StatusOr<Outcome>& r, bool forwarded) {
  if (!r.isOk()) return Result::kError;
  if (forwarded) return Result::kForwarded;
  if (r->replay) return Result::kReplay;
  return r->ok ? Result::kOk : Result::kRefused;
}

// Base of the appointment handlers: one Service per worker.
class BookingHandler : public gateway::LocalHandler {
 public:
  explicit BookingHandler(std::shared_ptr<Service> service) : service_(std::move(service)) {}

 protected:
  bool ready(const LocalRequest& request, const Respond& respond) {
    return service_->readyOrAnswer(respond, request.request_id);
  }
  [[nodiscard]] Caller caller(const LocalRequest& r) const {
    return internal::localCaller(service_->config(), r.caller, r.listener, service_->city());
  }
  // The Idempotency-Key, or "" after answering 400.
  std::string key(const LocalRequest& request, Respond& respond) {
    auto k = internal::idempotencyKey(request.head);
    if (!k.isOk() || !k->has_value()) {
      respond(LocalResponse::problem(
          Problem::kIdempotencyKeyRequired,
          k.isOk() ? "this call needs an Idempotency-Key header" : k.status().message(), request.request_id));
      return "";
    }
    return **k;
  }
  // Runs `command` here when `city` is this node's, else forwards it to the owner; answers.
  void execute(Op op, const std::string& city, const Caller& who, model::CommandT command, int ok_status,
               const LocalRequest& request, Respond respond) {
    auto done = [service = service_, op, forwarded = city != service_->city(), respond = std::move(respond),
                 id = std::string(request.request_id)](StatusOr<Outcome> r) {
      service->metrics().count(op, resultOf(r, forwarded));
      respond(r.isOk() ? internal::responseOf(*r, id) : internal::failureOf(r.status(), id));
    };
    if (city == service_->city()) {
      runCommand(service_, who, command, std::move(done));
      return;
    }
    command.requester = std::make_unique<model::ReferenceT>();
    command.requester->kind = "Partner";
    command.requester->id = who.channel;
    command.requester->city = who.city;
    command.family_doctor = who.family;
    forwardToOwner(*service_, city, model::envelopeOf(std::move(command)), ok_status, std::move(done));
  }

  std::shared_ptr<Service> service_;
};

// POST /v1/appointments/holds and POST /v1/appointments.
class HoldOrBookHandler final : public BookingHandler {
 public:
  HoldOrBookHandler(std::shared_ptr<Service> service, bool book)
      : BookingHandler(std::move(service)), book_(book) {}

  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    const std::string k = key(request, respond);
    if (k.empty()) return;
    auto body = internal::parseBookBody(request.body);
    const std::string city = body.isOk() ? internal::cityOfId(body->slot) : "";
    const Op op = book_ ? Op::kBook : Op::kHold;
    if (!body.isOk() || city.empty()) {
      service_->metrics().count(op, Result::kRefused);  // a bad request is a refusal too
      respond(LocalResponse::problem(
          Problem::kMalformedRequest,
          body.isOk() ? "'slot' is not a pool slot id (<city>.<id>)" : body.status().message(),
          request.request_id));
      return;
    }
    const Caller who = caller(request);
    if (book_ && !body->referral.empty()) {  // checked here too: no round trip for a bad referral
      auto referral = internal::canonicalReferral(body->referral, who.city);
      if (!referral.isOk()) {
        service_->metrics().count(op, Result::kRefused);
        respond(LocalResponse::problem(Problem::kInvalidReferral, referral.status().message(),
                                       request.request_id));
        return;
      }
    }
    model::CommandT c;
    c.action = book_ ? model::CommandAction::Book : model::CommandAction::Hold;
    c.slot_id = body->slot;
    c.hold_id = body->hold;
    c.patient = std::make_unique<model::PatientT>();
    c.patient->id = body->patient;
    c.idempotency_key = k;
    c.reason = std::string(request.body);
    execute(op, city, who, std::move(c), 201, request, std::move(respond));
  }

 private:
  bool book_;
};

// DELETE /v1/appointments/{id}.
class CancelHandler final : public BookingHandler {
 public:
  using BookingHandler::BookingHandler;
  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    const std::string k = key(request, respond);
    if (k.empty()) return;
    model::CommandT c;
    c.action = model::CommandAction::Cancel;
    c.appointment_id = paramOf(request, "id");
    c.idempotency_key = k;
    const std::string city = internal::cityOfId(c.appointment_id);
    if (city.empty()) {
      respond(
          LocalResponse::problem(Problem::kAppointmentNotFound, "not an appointment id", request.request_id));
      return;
    }
    execute(Op::kCancel, city, caller(request), std::move(c), 200, request, std::move(respond));
  }
};

// GET /v1/appointments/{id}.
class ReadHandler final : public BookingHandler {
 public:
  using BookingHandler::BookingHandler;
  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    const std::string aid = paramOf(request, "id");
    const std::string city = internal::cityOfId(aid);
    if (city.empty()) {  // before `respond` moves into `done`
      respond(
          LocalResponse::problem(Problem::kAppointmentNotFound, "not an appointment id", request.request_id));
      return;
    }
    const Caller who = caller(request);
    auto done = [service = service_, forwarded = city != service_->city(), respond = std::move(respond),
                 id = std::string(request.request_id)](StatusOr<Outcome> r) {
      service->metrics().count(Op::kRead, resultOf(r, forwarded));
      respond(r.isOk() ? internal::responseOf(*r, id) : internal::failureOf(r.status(), id));
    };
    if (city == service_->city()) {
      service_->pool().read(who, aid, std::move(done));
    } else {
      model::QueryT q;
      q.kind = model::QueryKind::Slots;
      q.purpose = std::string(kReadPurpose);
      q.id = aid;
      q.text = who.channel;
      forwardToOwner(*service_, city, model::envelopeOf(std::move(q)), 200, std::move(done));
    }
  }
};

// POST /v1/appointments/{id}/$noshow: this city's appointments only.
class NoShowHandler final : public BookingHandler {
 public:
  using BookingHandler::BookingHandler;
  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    service_->pool().noShow(
        paramOf(request, "id"), [service = service_, respond = std::move(respond),
                                 id = std::string(request.request_id)](StatusOr<Outcome> r) {
          service->metrics().count(Op::kNoShow, resultOf(r, false));
          respond(r.isOk() ? internal::responseOf(*r, id) : internal::failureOf(r.status(), id));
        });
  }
};

// POST /v1/appointments/{id}/referral {"status","note"?} and POST /v1/appointments/{id}/$refer-back
// {"summary","instructions",...}: the receiving side of a referral, on the node owning the
// appointment only (like $noshow); booking:admin callers, or a booking:hospital partner for its own
// hospital's appointments.
class ReferralHandler final : public BookingHandler {
 public:
  ReferralHandler(std::shared_ptr<Service> service, bool back)
      : BookingHandler(std::move(service)), back_(back) {}

  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    const std::string k = key(request, respond);
    if (k.empty()) return;
    ReferralAction action;
    action.appointment = paramOf(request, "id");
    if (internal::cityOfId(action.appointment) != service_->city()) {
      respond(LocalResponse::problem(Problem::kAppointmentNotFound,
                                     "referrals are answered on the node of the appointment's own city",
                                     request.request_id));
      return;
    }
    action.actor = internal::referralActor(service_->config(), request.caller, request.listener);
    if (action.actor.empty()) {
      respond(LocalResponse::problem(Problem::kCallerNotAllowed,
                                     "needs booking:admin, or booking:hospital as a configured partner",
                                     request.request_id));
      return;
    }
    if (Status s = parse(request.body, action); !s.isOk()) {
      respond(LocalResponse::problem(Problem::kInvalidReferral, s.message(), request.request_id));
      return;
    }
    const Idempotency idem{k, internal::requestDigest(back_ ? "refer-back" : "referral-status",
                                                      action.appointment, request.body)};
    auto done = [service = service_, back = back_, status = action.status, respond = std::move(respond),
                 id = std::string(request.request_id)](StatusOr<Outcome> r) {
      service->metrics().count(back ? Op::kReferBack : Op::kReferral, resultOf(r, false));
      if (r.isOk() && r->ok && !r->replay) service->metrics().referral(back ? "referred-back" : status);
      respond(r.isOk() ? internal::responseOf(*r, id) : internal::failureOf(r.status(), id));
    };
    if (back_) {
      service_->pool().referBack(caller(request), idem, action, std::move(done));
    } else {
      service_->pool().referralStatus(caller(request), idem, action, std::move(done));
    }
  }

 private:
  [[nodiscard]] Status parse(std::string_view body, ReferralAction& action) const {
    if (back_) {
      ASSIGN_OR_RETURN(action.back, internal::canonicalReferBack(body));
      return Status::ok();
    }
    ASSIGN_OR_RETURN(internal::StatusChange change, internal::parseStatusChange(body));
    action.status = change.status;
    action.allowed_from = std::string(internal::allowedFrom(change.status));
    action.note = change.note;
    return Status::ok();
  }

  bool back_;
};

// POST /v1/slots/$sync.
class SyncHandler final : public BookingHandler {
 public:
  using BookingHandler::BookingHandler;
  void handle(const LocalRequest& request, Respond respond) override {
    if (!ready(request, respond)) return;
    service_->sync(
        [respond = std::move(respond), id = std::string(request.request_id)](StatusOr<SyncReport> r) {
          if (!r.isOk()) {
            respond(internal::failureOf(r.status(), id));
            return;
          }
          respond(LocalResponse::json(
              r->skipped ? 409 : 200,
              R"({"skipped":)" + std::string(r->skipped ? "true" : "false") + R"(,"slots":)" +
                  std::to_string(r->slots) + R"(,"added":)" + std::to_string(r->added) + R"(,"withdrawn":)" +
                  std::to_string(r->withdrawn) + R"(,"rejected":)" + std::to_string(r->rejected) + "}"));
        });
  }
};

// One Service per worker, shared by that worker's booking handlers, which own it.
class ServicePerWorker {
 public:
  std::shared_ptr<Service> get(gateway::WorkerContext& worker) {
    const std::lock_guard<std::mutex> lock(mu_);
    auto& slot = services_[worker.worker_index];
    auto service = slot.lock();
    if (!service) {
      service = std::make_shared<Service>(worker);
      slot = service;
    }
    return service;
  }

 private:
  std::mutex mu_;
  std::map<uint32_t, std::weak_ptr<Service>> services_;
};

}  // namespace

void registerHandlers(gateway::HandlerRegistry& registry) {
  auto services = std::make_shared<ServicePerWorker>();
  registry.add("pool-slot-search",
               [services](gateway::WorkerContext& w) { return makeSearchHandler(services->get(w)); });
  registry.add("appointment-hold", [services](gateway::WorkerContext& w) {
    return std::make_unique<HoldOrBookHandler>(services->get(w), false);
  });
  registry.add("appointment-book", [services](gateway::WorkerContext& w) {
    return std::make_unique<HoldOrBookHandler>(services->get(w), true);
  });
  registry.add("appointment-cancel", [services](gateway::WorkerContext& w) {
    return std::make_unique<CancelHandler>(services->get(w));
  });
  registry.add("appointment-read", [services](gateway::WorkerContext& w) {
    return std::make_unique<ReadHandler>(services->get(w));
  });
  registry.add("appointment-noshow", [services](gateway::WorkerContext& w) {
    return std::make_unique<NoShowHandler>(services->get(w));
  });
  registry.add("appointment-referral", [services](gateway::WorkerContext& w) {
    return std::make_unique<ReferralHandler>(services->get(w), false);
  });
  registry.add("appointment-refer-back", [services](gateway::WorkerContext& w) {
    return std::make_unique<ReferralHandler>(services->get(w), true);
  });
  registry.add("referral-list",
               [services](gateway::WorkerContext& w) { return makeReferralListHandler(services->get(w)); });
  registry.add("pool-sync", [services](gateway::WorkerContext& w) {
    return std::make_unique<SyncHandler>(services->get(w));
  });
  registry.add("booking-peer",
               [services](gateway::WorkerContext& w) { return makePeerHandler(services->get(w)); });
#ifdef METROGW_BOOKING_HAS_DELIVERY
  registerDelivery(registry);
#endif
}

}  // namespace metrogw::booking
