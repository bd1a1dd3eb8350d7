#include "booking/referrals.h"

#include <string>

#include "booking/internal/outcome.h"
#include "booking/internal/request.h"
#include "gateway/http/query.h"

namespace metrogw::booking {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;
using gateway::http::Problem;
using gateway::http::QueryParams;

constexpr uint64_t kMaxLimit = 200;

[[nodiscard]] bool knownStatus(std::string_view s) {
  return s == "requested" || s == "accepted" || s == "rejected" || s == "completed";
}

[[nodiscard]] Status parse(std::string_view url, ReferralQuery& q) {
  ASSIGN_OR_RETURN(const QueryParams p, QueryParams::parse(url));
  for (const auto& [k, v] : p.all()) {
    if (k != "hospital" && k != "status" && k != "cursor" && k != "limit")
      return Status::invalidArgument("parameter '" + k.substr(0, 40) +
                                     "': unknown (hospital, status, cursor, limit)");
  }
  if (const auto v = p.get("hospital")) q.hospital = std::string(*v);
  if (q.hospital.size() > 128) return Status::invalidArgument("parameter 'hospital': at most 128 bytes");
  if (const auto v = p.get("status")) {
    if (!knownStatus(*v))
      return Status::invalidArgument("parameter 'status': requested, accepted, rejected or completed");
    q.status = std::string(*v);
  }
  if (const auto v = p.get("limit")) {
    ASSIGN_OR_RETURN(const uint64_t n, internal::numberParam("limit", *v, 1, kMaxLimit));
    q.limit = static_cast<uint32_t>(n);
  }
  if (const auto v = p.get("cursor")) {
    ASSIGN_OR_RETURN(q.offset, internal::numberParam("cursor", *v, 0, UINT32_MAX));
  }
  return Status::ok();
}

class ReferralListHandler final : public gateway::LocalHandler {
 public:
  explicit ReferralListHandler(std::shared_ptr<Service> service) : service_(std::move(service)) {}

  void handle(const LocalRequest& request, Respond respond) override {
    const std::string id(request.request_id);
    if (!service_->readyOrAnswer(respond, id)) return;
    ReferralQuery q;
    q.actor = internal::referralActor(service_->config(), request.caller, request.listener);
    if (q.actor.empty()) {
      service_->metrics().count(Op::kReferralList, Result::kRefused);
      respond(LocalResponse::problem(Problem::kCallerNotAllowed,
                                     "needs booking:admin, or booking:hospital as a configured partner", id));
      return;
    }
    if (Status s = parse(request.head.url, q); !s.isOk()) {
      service_->metrics().count(Op::kReferralList, Result::kRefused);
      respond(LocalResponse::problem(Problem::kInvalidParameter, s.message(), id));
      return;
    }
    service_->pool().referrals(
        q, [service = service_, respond = std::move(respond), id](StatusOr<Outcome> r) {
          service->metrics().count(Op::kReferralList, !r.isOk() ? Result::kError
                                                      : r->ok   ? Result::kOk
                                                                : Result::kRefused);
          respond(r.isOk() ? internal::responseOf(*r, id) : internal::failureOf(r.status(), id));
        });
  }

 private:
  std::shared_ptr<Service> service_;
};

}  // namespace

std::unique_ptr<gateway::LocalHandler> makeReferralListHandler(std::shared_ptr<Service> service) {
  return std::make_unique<ReferralListHandler>(std::move(service));
}

}  // namespace metrogw::booking
