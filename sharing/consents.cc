#include "sharing/consents.h"

#include "consent/fhir.h"
#include "consent/request.h"
#include "identity/token.h"
#include "sharing/render.h"

namespace metrogw::sharing {
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

template <class T>
[[nodiscard]] std::string joined(const std::vector<T>& items, std::string_view (*name)(T)) {
  std::string out;
  for (T item : items) out += (out.empty() ? "" : ",") + std::string(name(item));
  return out;
}

[[nodiscard]] LocalResponse recordResponse(int status, const consent::Record& r, bool fhir) {
  LocalResponse out = LocalResponse::json(status, fhir ? consent::fhirConsent(r, false) : consent::toJson(r));
  if (fhir) out.content_type = std::string(consent::kFhirContentType);
  return out;
}

[[nodiscard]] LocalResponse ledgerFailure(const Status& s, const std::string& id) {
  if (s.code() == StatusCode::kNotFound)
    return LocalResponse::problem(Problem::kConsentNotFound, s.message(), id);
  return LocalResponse::problem(Problem::kUpstreamUnavailable, "the consent ledger is unavailable", id);
}

class ConsentHandler final : public gateway::LocalHandler {
 public:
  ConsentHandler(ConsentRoute route, std::shared_ptr<internal::Node> node)
      : route_(route), node_(std::move(node)) {}

  void handle(const LocalRequest& request, Respond respond) override {
    const std::string id(request.request_id);
    if (Status s = node_->ready(); !s.isOk())
      return respond(LocalResponse::problem(Problem::kNotImplemented, s.message(), id));
    const std::string caller =
        request.caller.empty() ? "listener:" + std::string(request.listener) : std::string(request.caller);
    switch (route_) {
      case ConsentRoute::kGrant: return grant(request, caller, id, std::move(respond));
      case ConsentRoute::kHistory: return history(request, id, std::move(respond));
      case ConsentRoute::kRevoke: return revoke(request, caller, id, std::move(respond));
    }
  }

 private:
  [[nodiscard]] audit::Event event(const consent::Record& r, std::string_view action,
                                   const std::string& caller, const std::string& request_id) const {
    audit::Event e;
    e.time_ms = r.recorded_ms;
    e.action = std::string(action);
    e.caller = caller;
    e.caller_city = node_->city();
    e.owner_city = node_->city();
    e.practitioner = r.grantee.practitioner;
    e.patient_token = r.patient_token;
    e.category = joined(r.categories, &policy::categoryName);
    e.purpose = joined(r.purposes, &policy::purposeName);
    e.decision = "permit";
    e.reason = action == "consent-grant" ? "granted" : "revoked";
    e.consent_id = action == "consent-grant" ? r.id : r.revokes;
    e.request_id = request_id;
    e.resource_id = r.id;
    return e;
  }

  void grant(const LocalRequest& request, const std::string& caller, const std::string& id, Respond respond) {
    auto record = consent::parseGrantBody(request.body, internal::nowMs());
    if (!record.isOk())
      return respond(LocalResponse::problem(Problem::kInvalidParameter, record.status().message(), id));
    if (!identity::parseToken(record->patient_token).isOk())
      return respond(LocalResponse::problem(Problem::kInvalidParameter, "patient: not a person token", id));
    record->id = consent::Ledger::newId(node_->city());
    record->home_city = node_->city();
    record->recorded_by = caller;
    if (!node_->auditLog().append(event(*record, "consent-grant", caller, id)).isOk())
      return respond(
          LocalResponse::problem(Problem::kAuditUnavailable, "the audit trail cannot be written", id));
    const bool fhir = wantsFhir(request);
    node_->ledger().grant(std::move(record.value()),
                          [fhir, id, respond = std::move(respond)](StatusOr<consent::Record> stored) {
                            if (!stored.isOk()) return respond(ledgerFailure(stored.status(), id));
                            respond(recordResponse(201, *stored, fhir));
                          });
  }

  void history(const LocalRequest& request, const std::string& id, Respond respond) {
    const std::string token = paramOf(request, "token");
    if (!identity::parseToken(token).isOk())
      return respond(LocalResponse::problem(Problem::kInvalidParameter, "token: not a person token", id));
    const bool fhir = wantsFhir(request);
    node_->ledger().history(token, [token, fhir, id, respond = std::move(respond)](
                                       StatusOr<std::vector<consent::Record>> records) {
      if (!records.isOk()) return respond(ledgerFailure(records.status(), id));
      LocalResponse out = LocalResponse::json(
          200, fhir ? consent::fhirConsentBundle(*records) : consent::historyJson(token, *records));
      if (fhir) out.content_type = std::string(consent::kFhirContentType);
      respond(std::move(out));
    });
  }

  void revoke(const LocalRequest& request, const std::string& caller, const std::string& id,
              Respond respond) {
    const std::string consent_id = paramOf(request, "id");
    const std::string own = node_->city() + "-";
    if (consent_id.rfind(own, 0) != 0) {
      const std::string home = consent_id.substr(0, consent_id.find('-'));
      return respond(LocalResponse::problem(
          Problem::kConsentNotFound,
          home.size() == 4 ? "this consent is held by the ledger of city " + home + ": revoke it there"
                           : "no such consent",
          id));
    }
    const bool fhir = wantsFhir(request);
    node_->ledger().revoke(
        consent_id, internal::nowMs(), caller,
        [node = node_, this, caller, fhir, id,
         respond = std::move(respond)](StatusOr<consent::Record> stored) {
          if (!stored.isOk()) return respond(ledgerFailure(stored.status(), id));
          if (!node->auditLog().append(event(*stored, "consent-revoke", caller, id)).isOk()) {
            return respond(LocalResponse::problem(
                Problem::kAuditUnavailable,
                "the revocation is recorded, but the audit trail cannot be written", id));
          }
          respond(recordResponse(200, *stored, fhir));
        });
  }

  ConsentRoute route_;
  std::shared_ptr<internal::Node> node_;
};

}  // namespace

std::unique_ptr<gateway::LocalHandler> makeConsentHandler(ConsentRoute route,
                                                          std::shared_ptr<internal::Node> node) {
  return std::make_unique<ConsentHandler>(route, std::move(node));
}

}  // namespace metrogw::sharing
