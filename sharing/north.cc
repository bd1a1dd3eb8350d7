#include "sharing/north.h"

#include <algorithm>

#include "consent/internal/time.h"
#include "federation/fanout.h"
#include "federation/peer_link.h"
#include "gateway/http/query.h"
#include "identity/token.h"
#include "sharing/merge.h"
#include "sharing/owner.h"
#include "sharing/render.h"

namespace metrogw::sharing {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;
using gateway::http::Problem;

constexpr size_t kMaxHeader = 128;
constexpr size_t kMaxReason = 512;

[[nodiscard]] std::string paramOf(const LocalRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.params) {
    if (k == name) return v;
  }
  return "";
}

[[nodiscard]] std::string header(const LocalRequest& r, std::string_view name) {
  const std::string* v = r.head.headers.get(name);
  return v == nullptr ? "" : *v;
}

[[nodiscard]] Status checkTime(const gateway::http::QueryParams& params, std::string_view name,
                               std::string& out) {
  auto v = params.get(name);
  if (!v) return Status::ok();
  auto t = consent::internal::parseTime(*v);
  if (!t.isOk()) return Status::invalidArgument(std::string(name) + ": " + t.status().message());
  out = std::string(*v);
  return Status::ok();
}

// The canonical query a north request asks every owning node.
[[nodiscard]] StatusOr<model::QueryT> parseNorth(NorthKind kind, const LocalRequest& r) {
  model::QueryT q;
  q.kind = kind == NorthKind::kLabReports  ? model::QueryKind::LabReports
           : kind == NorthKind::kLabReport ? model::QueryKind::LabReport
                                           : model::QueryKind::RecordSummary;
  q.patient_token = paramOf(r, "token");
  if (!identity::parseToken(q.patient_token).isOk())
    return Status::invalidArgument("token: not a person token");
  ASSIGN_OR_RETURN(auto params, gateway::http::QueryParams::parse(r.head.url));
  auto purpose = params.get("purpose");
  if (!purpose || !policy::parsePurpose(*purpose).isOk())
    return Status::invalidArgument("purpose: required, one of treatment, referral, emergency");
  q.purpose = std::string(*purpose);
  RETURN_IF_ERROR(checkTime(params, "from", q.from));
  RETURN_IF_ERROR(checkTime(params, "to", q.to));
  if (kind == NorthKind::kLabReport) {
    q.id = paramOf(r, "id");
    if (q.id.empty() || q.id.size() > kMaxHeader) return Status::invalidArgument("id: missing or too long");
  }
  q.practitioner = header(r, "x-practitioner");
  q.caller_hospital = header(r, "x-hospital");
  q.break_glass_reason = header(r, "x-break-glass-reason");
  if (q.practitioner.empty() || q.practitioner.size() > kMaxHeader)
    return Status::invalidArgument("X-Practitioner: required, at most 128 characters");
  if (q.caller_hospital.size() > kMaxHeader)
    return Status::invalidArgument("X-Hospital: at most 128 characters");
  if (q.break_glass_reason.size() > kMaxReason)
    return Status::invalidArgument("X-Break-Glass-Reason: at most 512 characters");
  q.caller = r.caller.empty() ? "listener:" + std::string(r.listener) : std::string(r.caller);
  q.request_id = std::string(r.request_id);
  q.limit = 200;
  return q;
}

[[nodiscard]] Problem problemFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound: return Problem::kUnknownPatient;
    case StatusCode::kUpstreamTimeout: return Problem::kUpstreamTimeout;
    case StatusCode::kInvalidArgument: return Problem::kNotImplemented;
    default: return Problem::kUpstreamUnavailable;
  }
}

class NorthHandler final : public gateway::LocalHandler {
 public:
  NorthHandler(NorthKind kind, std::shared_ptr<internal::Node> node) : kind_(kind), node_(std::move(node)) {}

  void handle(const LocalRequest& request, Respond respond) override {
    const std::string id(request.request_id);
    if (Status s = node_->ready(); !s.isOk())
      return respond(LocalResponse::problem(Problem::kNotImplemented, s.message(), id));
    auto query = parseNorth(kind_, request);
    if (!query.isOk())
      return respond(LocalResponse::problem(Problem::kInvalidParameter, query.status().message(), id));
    const bool fhir = wantsFhir(request);
    auto q = std::make_shared<model::QueryT>(std::move(query.value()));
    node_->identity().lookup(
        q->patient_token, [this, node = node_, q, fhir, id, respond = std::move(respond)](
                              StatusOr<identity::index::Resolved> resolved) mutable {
          if (!resolved.isOk())
            return respond(
                LocalResponse::problem(problemFor(resolved.status()), resolved.status().message(), id));
          fanOutTo(*resolved->ref, q, fhir, id, std::move(respond));
        });
  }

 private:
  void fanOutTo(const identity::index::CrossRef& ref, const std::shared_ptr<model::QueryT>& q, bool fhir,
                const std::string& id, Respond respond) {
    std::vector<std::string> cities;
    for (const auto& link : ref.links) {
      if (link && std::find(cities.begin(), cities.end(), link->city) == cities.end())
        cities.push_back(link->city);
    }
    if (cities.empty())
      return respond(LocalResponse::problem(Problem::kUnknownPatient, "the patient is known in no city", id));
    auto merged = std::make_shared<Merged>();
    auto links = std::make_shared<identity::index::CrossRef>(ref);
    federation::fanOut(
        node_->worker().dispatcher, cities, node_->federation().federation()->deadline,
        [node = node_, q, merged, links](const std::string& city, federation::EnvelopeCallback done) {
          askCity(*node, city, *q, *links,
                  [city, merged, done = std::move(done)](StatusOr<model::EnvelopeT> a) {
                    addAnswer(city, std::move(a), *merged);
                    done(model::envelopeOf(model::SearchResultT{}));
                  });
        },
        [kind = kind_, merged, fhir, id, respond = std::move(respond)](const model::SearchResultT& late) {
          for (const auto& i : late.incomplete) addLate(i->city, *merged);
          respond(render(kind, std::move(*merged), fhir, id));
        });
  }

  static void askCity(internal::Node& node, const std::string& city, const model::QueryT& query,
                      const identity::index::CrossRef& ref, federation::EnvelopeCallback done) {
    model::QueryT q = query;
    q.patient = std::make_unique<model::PatientT>();
    q.cities.clear();
    for (const auto& link : ref.links) {
      if (!link) continue;
      if (link->city == city) q.patient->id = link->patient_id;
      // Every city where the patient is known: the owner reads their consent ledgers too.
      if (std::find(q.cities.begin(), q.cities.end(), link->city) == q.cities.end())
        q.cities.push_back(link->city);
    }
    if (city == node.city()) return answerAsOwner(node, std::move(q), node.city(), std::move(done));
    const config::Federation* fed = node.federation().federation();
    const config::Peer* peer = fed == nullptr ? nullptr : fed->findPeer(city);
    if (peer == nullptr) return done(Status::notFound("no peer node for city " + city));
    model::EnvelopeT env = model::envelopeOf(std::move(q), node.city());
    federation::callPeer(node.worker().client, *peer, env, fed->deadline, std::move(done), kSharingPeerPath);
  }

  [[nodiscard]] static LocalResponse render(NorthKind kind, Merged merged, bool fhir, const std::string& id) {
    if (auto refused = refusal(merged)) {
      return LocalResponse::problem(
          *refused,
          *refused == Problem::kConsentRequired
              ? "no consent permits this access"
              : "emergency access refused: break-glass is disabled or has no reason",
          id);
    }
    switch (kind) {
      case NorthKind::kLabReports: return labReportsResponse(std::move(merged), fhir);
      case NorthKind::kLabReport: return labReportResponse(std::move(merged), fhir, id);
      case NorthKind::kRecordSummary: return recordSummaryResponse(std::move(merged), fhir, id);
    }
    return LocalResponse::problem(Problem::kInternal, "unknown kind", id);
  }

  NorthKind kind_;
  std::shared_ptr<internal::Node> node_;
};

}  // namespace

std::unique_ptr<gateway::LocalHandler> makeNorthHandler(NorthKind kind,
                                                        std::shared_ptr<internal::Node> node) {
  return std::make_unique<NorthHandler>(kind, std::move(node));
}

}  // namespace metrogw::sharing
