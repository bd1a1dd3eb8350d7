#include "sharing/owner.h"

#include <algorithm>

#include "federation/peer_api.h"
#include "sharing/ledgers.h"
#include "sharing/obligations.h"

namespace metrogw::sharing {
namespace {

using gateway::http::Problem;
using model::QueryKind;

[[nodiscard]] model::EnvelopeT problemEnvelope(Problem problem, std::string detail) {
  const auto& info = gateway::http::problemInfo(problem);
  model::ProblemT p;
  p.type = gateway::http::problemType(problem);
  p.title = std::string(info.title);
  p.status = static_cast<uint16_t>(info.status);
  p.detail = std::move(detail);
  return model::envelopeOf(std::move(p));
}

struct Decided {
  policy::Category category;
  policy::Decision decision;
};

// One request at the owning node; kept alive by the callbacks of its steps.
class OwnerRequest : public std::enable_shared_from_this<OwnerRequest> {
 public:
  OwnerRequest(internal::Node& node, model::QueryT query, std::string caller_city,
               federation::EnvelopeCallback done)
      : node_(node), query_(std::move(query)), caller_city_(std::move(caller_city)), done_(std::move(done)) {}

  void start() {
    if (Status s = validate(); !s.isOk())
      return finish(problemEnvelope(Problem::kInvalidParameter, s.message()));
    node_.identity().lookup(query_.patient_token,
                            [self = shared_from_this()](const StatusOr<identity::index::Resolved>& resolved) {
                              self->localPatient(resolved);
                              if (self->local_id_.empty())
                                return self->finish(problemEnvelope(Problem::kUnknownPatient,
                                                                    "the patient is not known in this city"));
                              self->loadConsents();
                            });
  }

 private:
  [[nodiscard]] Status validate() {
    if (query_.patient_token.empty()) return Status::invalidArgument("patient_token: missing");
    auto purpose = policy::parsePurpose(query_.purpose);
    if (!purpose.isOk()) return Status::invalidArgument("purpose: " + purpose.status().message());
    purpose_ = *purpose;
    switch (query_.kind) {
      case QueryKind::LabReports:
      case QueryKind::LabReport:
        categories_ = {policy::Category::kLabReport, policy::Category::kExamReport};
        return Status::ok();
      case QueryKind::RecordSummary: categories_ = {policy::Category::kRecordSummary}; return Status::ok();
      default: return Status::invalidArgument("kind: only lab reports and record summaries are shared");
    }
  }

  // This node's own cross-reference wins over the asking node's word for the local id. The
  // ledgers to read are those of every city where either cross-reference knows the patient: more
  // ledgers can only add genuine records (each ledger holds a grant together with its revocations).
  void localPatient(const StatusOr<identity::index::Resolved>& resolved) {
    if (resolved.isOk()) {
      for (const auto& link : resolved->ref->links) {
        if (!link) continue;
        if (link->city == node_.city()) local_id_ = link->patient_id;
        ledger_cities_.push_back(link->city);
      }
    }
    if (local_id_.empty() && query_.patient) local_id_ = query_.patient->id;
    ledger_cities_.insert(ledger_cities_.end(), query_.cities.begin(), query_.cities.end());
  }

  // The federation deadline bounds the whole request at the asking node; the ledger reads get half
  // of it, leaving the rest for the platform.
  [[nodiscard]] std::chrono::milliseconds ledgerTimeout() {
    const config::Federation* fed = node_.federation().federation();
    return std::max(std::chrono::milliseconds(1),
                    (fed != nullptr ? fed->deadline : std::chrono::milliseconds(3'000)) / 2);
  }

  void loadConsents() {
    LedgerQuery q{query_.patient_token, query_.request_id, query_.practitioner, query_.purpose};
    gatherConsents(
        node_, q, ledger_cities_, ledgerTimeout(), [self = shared_from_this()](StatusOr<Consents> consents) {
          if (!consents.isOk())
            return self->finish(problemEnvelope(Problem::kUpstreamUnavailable,
                                                "the consent ledger cannot be read; nothing is released"));
          self->unread_ = std::move(consents->unread);
          self->decideAndAudit(consent::effective(consents->history));
        });
  }

  // "no-consent" → "no-consent; ledgers not read: 3201" when a city's ledger contributed nothing.
  [[nodiscard]] std::string withUnread(std::string reason) const {
    if (unread_.empty()) return reason;
    reason += "; ledgers not read:";
    for (const std::string& city : unread_) reason += " " + city;
    return reason;
  }

  void decideAndAudit(const std::vector<policy::ConsentRecord>& records) {
    policy::Request request;
    request.caller_city = caller_city_;
    request.caller_hospital = query_.caller_hospital;
    request.practitioner = query_.practitioner;
    request.patient_token = query_.patient_token;
    request.purpose = purpose_;
    request.now_ms = internal::nowMs();
    request.break_glass_reason = query_.break_glass_reason;
    for (policy::Category c : categories_) {
      request.category = c;
      decided_.push_back({c, policy::decide(request, records, node_.settings())});
      node_.metrics().count(decided_.back().decision, c);
    }
    for (const Decided& d : decided_) {
      if (Status s = node_.auditLog().append(event(d, request.now_ms)); !s.isOk())
        return finish(problemEnvelope(Problem::kAuditUnavailable, "the audit trail cannot be written"));
    }
    const Decided* permit = firstPermit();
    if (permit == nullptr) return finish(refusal());
    askPlatform();
  }

  [[nodiscard]] audit::Event event(const Decided& d, int64_t now_ms) const {
    audit::Event e;
    e.time_ms = now_ms;
    e.action = query_.kind == QueryKind::LabReports ? "search" : "read";
    e.caller = query_.caller;
    e.caller_city = caller_city_;
    e.owner_city = node_.city();
    e.practitioner = query_.practitioner;
    e.patient_token = query_.patient_token;
    e.category = std::string(policy::categoryName(d.category));
    e.purpose = std::string(policy::purposeName(purpose_));
    e.decision = d.decision.permit ? "permit" : "deny";
    e.reason = withUnread(d.decision.reason);
    e.consent_id = d.decision.consent_id;
    e.request_id = query_.request_id;
    e.break_glass = d.decision.break_glass;
    e.break_glass_reason = d.decision.break_glass ? query_.break_glass_reason : "";
    e.resource_id = query_.id;
    return e;
  }

  [[nodiscard]] const Decided* firstPermit() const {
    for (const Decided& d : decided_) {
      if (d.decision.permit) return &d;
    }
    return nullptr;
  }

  [[nodiscard]] model::EnvelopeT refusal() const {
    const std::string& reason = decided_.front().decision.reason;
    if (reason == "break-glass-disabled" || reason == "break-glass-no-reason")
      return problemEnvelope(Problem::kBreakGlassNotPermitted, reason);
    return problemEnvelope(Problem::kConsentRequired, withUnread("no consent permits this access"));
  }

  void askPlatform() {
    model::QueryT q;
    q.kind = query_.kind;
    q.from = query_.from;
    q.to = query_.to;
    q.id = query_.id;
    q.limit = query_.limit;
    q.purpose = query_.purpose;
    q.patient = std::make_unique<model::PatientT>();
    q.patient->id = local_id_;
    const config::Federation* fed = node_.federation().federation();
    if (fed != nullptr && fed->platform.dialect == "hl7v2") {
      // HL7 v2 names the local id as a PID-3 / QPD-3 identifier of type PI (readPid's convention);
      // the QBP^Z01 writer only sends identifiers, so without it the platform has no criteria.
      auto pi = std::make_unique<model::IdentifierT>();
      pi->value = local_id_;
      pi->type = "PI";
      q.patient->identifiers.push_back(std::move(pi));
    }
    node_.federation().askPlatform(
        model::envelopeOf(std::move(q)), [self = shared_from_this()](StatusOr<model::EnvelopeT> answer) {
          if (!answer.isOk()) {
            const bool timeout = answer.status().code() == StatusCode::kUpstreamTimeout;
            return self->finish(problemEnvelope(timeout ? Problem::kUpstreamTimeout : Problem::kPlatformError,
                                                answer.status().message()));
          }
          self->release(std::move(answer.value()));
        });
  }

  [[nodiscard]] std::vector<policy::Category> permittedCategories() const {
    std::vector<policy::Category> out;
    for (const Decided& d : decided_) {
      if (d.decision.permit) out.push_back(d.category);
    }
    return out;
  }

  [[nodiscard]] const std::vector<std::string>& dropFields(policy::Category c) const {
    for (const Decided& d : decided_) {
      if (d.category == c) return d.decision.drop_fields;
    }
    return decided_.front().decision.drop_fields;
  }

  void release(model::EnvelopeT answer) {
    if (auto* result = answer.body.AsSearchResult()) {
      (void)keepCategories(result->lab_reports, permittedCategories());
      for (auto& r : result->lab_reports) applyObligations(*r, dropFields(reportCategory(*r)));
      result->total = -1;  // a total would count what was held back
      result->next_page_token.clear();
    } else if (auto* report = answer.body.AsLabReport()) {
      const bool ours = report->patient && report->patient->id == local_id_;
      const auto permitted = permittedCategories();
      if (!ours || std::find(permitted.begin(), permitted.end(), reportCategory(*report)) == permitted.end())
        return finish(problemEnvelope(Problem::kNotFound, "no such lab report for this patient"));
      applyObligations(*report, dropFields(reportCategory(*report)));
    } else if (auto* summary = answer.body.AsRecordSummary()) {
      applyObligations(*summary, dropFields(policy::Category::kRecordSummary));
    }
    answer.origin_city = node_.city();
    finish(std::move(answer));
  }

  void finish(model::EnvelopeT answer) {
    answer.origin_city = node_.city();
    auto done = std::move(done_);
    done(std::move(answer));
  }

  internal::Node& node_;
  model::QueryT query_;
  std::string caller_city_;
  federation::EnvelopeCallback done_;
  policy::Purpose purpose_ = policy::Purpose::kTreatment;
  std::vector<policy::Category> categories_;
  std::vector<Decided> decided_;
  std::string local_id_;
  std::vector<std::string> ledger_cities_;  // where the patient is known: whose ledgers to read
  std::vector<std::string> unread_;         // cities whose ledger could not be read (contributed nothing)
};

}  // namespace

void answerAsOwner(internal::Node& node, model::QueryT query, std::string caller_city,
                   federation::EnvelopeCallback done) {
  std::make_shared<OwnerRequest>(node, std::move(query), std::move(caller_city), std::move(done))->start();
}

}  // namespace metrogw::sharing
