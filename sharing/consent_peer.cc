#include "sharing/consent_peer.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "federation/peer_api.h"
#include "identity/token.h"

namespace metrogw::sharing {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;
using gateway::http::Problem;

constexpr size_t kMaxField = 128;
constexpr size_t kMaxLedgerAnswer = size_t{1} << 20;  // a patient's consent history, with room to spare
constexpr std::string_view kJson = "application/json";

[[nodiscard]] std::string stringMember(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}

[[nodiscard]] StatusOr<LedgerQuery> parseQuery(std::string_view body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  if (d.HasParseError() || !d.IsObject()) return Status::invalidArgument("body: not a JSON object");
  LedgerQuery q;
  q.patient_token = stringMember(d, "patient");
  q.request_id = stringMember(d, "request_id");
  q.practitioner = stringMember(d, "practitioner");
  q.purpose = stringMember(d, "purpose");
  if (!identity::parseToken(q.patient_token).isOk())
    return Status::invalidArgument("patient: not a person token");
  if (q.request_id.size() > kMaxField || q.practitioner.size() > kMaxField || q.purpose.size() > kMaxField)
    return Status::invalidArgument("request_id, practitioner, purpose: at most 128 characters");
  return q;
}

[[nodiscard]] std::string queryJson(const LedgerQuery& q) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : {std::pair<const char*, const std::string*>{"patient", &q.patient_token},
                             {"request_id", &q.request_id},
                             {"practitioner", &q.practitioner},
                             {"purpose", &q.purpose}}) {
    w.Key(k);
    w.String(v->data(), static_cast<rapidjson::SizeType>(v->size()));
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

// A peer node reads this node's ledger for one patient.
class ConsentPeerHandler final : public gateway::LocalHandler {
 public:
  explicit ConsentPeerHandler(std::shared_ptr<internal::Node> node) : node_(std::move(node)) {}

  void handle(const LocalRequest& request, Respond respond) override {
    const std::string id(request.request_id);
    if (Status s = node_->ready(); !s.isOk())
      return respond(LocalResponse::problem(Problem::kNotImplemented, s.message(), id));
    std::string caller_city = federation::peerCityOf(node_->config(), request.caller);
    if (caller_city.empty())
      return respond(LocalResponse::problem(Problem::kCallerNotAllowed,
                                            "caller certificate is not a configured peer node", id));
    auto query = parseQuery(request.body);
    if (!query.isOk())
      return respond(LocalResponse::problem(Problem::kInvalidParameter, query.status().message(), id));
    const std::string token = query->patient_token;
    node_->ledger().history(
        token, [node = node_, caller = std::string(request.caller), caller_city = std::move(caller_city),
                q = std::move(query.value()), id,
                respond = std::move(respond)](StatusOr<std::vector<consent::Record>> records) {
          if (!records.isOk())
            return respond(LocalResponse::problem(Problem::kUpstreamUnavailable,
                                                  "the consent ledger cannot be read", id));
          if (!node->auditLog().append(event(*node, q, caller, caller_city)).isOk())
            return respond(
                LocalResponse::problem(Problem::kAuditUnavailable, "the audit trail cannot be written", id));
          respond(LocalResponse::json(200, consent::historyJson(q.patient_token, *records)));
        });
  }

 private:
  [[nodiscard]] static audit::Event event(internal::Node& node, const LedgerQuery& q,
                                          const std::string& caller, const std::string& caller_city) {
    audit::Event e;
    e.time_ms = internal::nowMs();
    e.action = "consent-read";
    e.caller = caller;
    e.caller_city = caller_city;
    e.owner_city = node.city();
    e.practitioner = q.practitioner;
    e.patient_token = q.patient_token;
    e.purpose = q.purpose;
    e.decision = "permit";
    e.reason = "peer-ledger-read";
    e.request_id = q.request_id;
    return e;
  }

  std::shared_ptr<internal::Node> node_;
};

[[nodiscard]] StatusOr<std::vector<consent::Record>> ledgerAnswer(StatusOr<gateway::ClientResponse> response,
                                                                  const std::string& token,
                                                                  const std::string& city) {
  if (!response.isOk()) return response.status();
  if (response->status != 200)
    return Status::consentDenied("the ledger of " + city + " answered HTTP " +
                                 std::to_string(response->status));
  const std::string* type = response->headers.get("content-type");
  if (type == nullptr || type->rfind(kJson, 0) != 0)
    return Status::malformedMessage("the ledger of " + city + " answered without JSON");
  return consent::historyFromJson(response->body, token, city);
}

}  // namespace

std::unique_ptr<gateway::LocalHandler> makeConsentPeerHandler(std::shared_ptr<internal::Node> node) {
  return std::make_unique<ConsentPeerHandler>(std::move(node));
}

std::string_view ledgerFailureReason(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUpstreamTimeout: return "timeout";
    case StatusCode::kUpstreamUnavailable: return "unavailable";
    case StatusCode::kConsentDenied: return "refused";
    case StatusCode::kMalformedMessage: return "malformed";
    default: return "error";
  }
}

void readPeerLedger(gateway::HttpClient& client, const config::Peer& peer, const LedgerQuery& query,
                    std::chrono::milliseconds timeout, PeerLedgerCallback done) {
  gateway::ClientRequest http;
  http.method = "POST";
  http.target = std::string(kConsentPeerPath);
  http.headers = {{"Content-Type", std::string(kJson)}, {"Accept", std::string(kJson)}};
  http.body = queryJson(query);
  http.timeout = timeout;
  http.max_response_bytes = kMaxLedgerAnswer;
  client.send(peer.cluster, std::move(http),
              [token = query.patient_token, city = peer.city,
               done = std::move(done)](StatusOr<gateway::ClientResponse> response) {
                done(ledgerAnswer(std::move(response), token, city));
              });
}

}  // namespace metrogw::sharing
