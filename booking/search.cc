#include "booking/search.h"

#include <map>

#include "adapters/codec.h"
#include "booking/internal/outcome.h"
#include "booking/internal/request.h"
#include "booking/internal/slot_model.h"
#include "booking/internal/times.h"
#include "booking/peer.h"
#include "federation/fanout.h"
#include "federation/north_query.h"

namespace metrogw::booking {
namespace {

using gateway::LocalRequest;
using gateway::LocalResponse;
using gateway::Respond;
using gateway::http::Problem;
using gateway::http::QueryParams;

constexpr int64_t kDayMs = 86'400'000;

struct ParsedSearch {
  model::QueryT query;                     // for the owners; page_token set per city
  std::map<std::string, uint64_t> cities;  // city -> offset
};

[[nodiscard]] Status checkId(std::string_view name, std::string_view v) {
  if (v.empty() || v.size() > 100 || v.find_first_of(" \t\r\n\"\\") != std::string_view::npos)
    return Status::invalidArgument("parameter '" + std::string(name) + "' is not a valid id");
  return Status::ok();
}

[[nodiscard]] StatusOr<std::map<std::string, uint64_t>> parseCursor(std::string_view cursor) {
  std::map<std::string, uint64_t> out;
  while (!cursor.empty()) {
    const size_t dot = cursor.find('.');
    const std::string_view part = cursor.substr(0, dot);
    const size_t tilde = part.find('~');
    if (tilde != 4) return Status::invalidArgument("parameter 'cursor' is not a cursor of this API");
    char* end = nullptr;
    const std::string offset(part.substr(5));
    const uint64_t n = std::strtoull(offset.c_str(), &end, 10);
    if (offset.empty() || *end != '\0')
      return Status::invalidArgument("parameter 'cursor' is not a cursor of this API");
    out[std::string(part.substr(0, 4))] = n;
    cursor = dot == std::string_view::npos ? "" : cursor.substr(dot + 1);
  }
  return out;
}

[[nodiscard]] StatusOr<int64_t> timeParam(const QueryParams& p, std::string_view name, int64_t fallback) {
  const auto v = p.get(name);
  if (!v) return fallback;
  auto t = internal::parseIsoMs(*v);
  if (!t.isOk())
    return Status::invalidArgument("parameter '" + std::string(name) + "': " + t.status().message());
  return t;
}

[[nodiscard]] StatusOr<ParsedSearch> parseSearch(const QueryParams& p, Service& service) {
  ParsedSearch out;
  model::QueryT& q = out.query;
  q.kind = model::QueryKind::Slots;
  q.purpose = std::string(kSearchPurpose);
  for (auto [name, field] : {std::pair<const char*, std::string*>{"hospital", &q.organization_id},
                             {"department", &q.department_code},
                             {"doctor", &q.practitioner_id}}) {
    if (const auto v = p.get(name)) {
      RETURN_IF_ERROR(checkId(name, *v));
      *field = std::string(*v);
    }
  }
  const int64_t now = internal::unixNowMs();
  ASSIGN_OR_RETURN(const int64_t from, timeParam(p, "from", now));
  ASSIGN_OR_RETURN(const int64_t to, timeParam(p, "to", now + service.settings().sync_days * kDayMs));
  q.from = federation::chinaTime(from / 1000);
  q.to = federation::chinaTime((to + 999) / 1000);
  q.limit = 50;
  if (const auto v = p.get("limit")) {
    ASSIGN_OR_RETURN(const uint64_t n, internal::numberParam("limit", *v, 1, 200));
    q.limit = static_cast<uint16_t>(n);
  }
  if (const auto c = p.get("cursor")) {
    ASSIGN_OR_RETURN(out.cities, parseCursor(*c));
    return out;
  }
  ASSIGN_OR_RETURN(auto cities, federation::parseCities(p, service.node().allCities()));
  for (auto& c : cities) out.cities[c] = 0;
  return out;
}

class SearchHandler final : public gateway::LocalHandler {
 public:
  explicit SearchHandler(std::shared_ptr<Service> service) : service_(std::move(service)) {}

  void handle(const LocalRequest& request, Respond respond) override {
    const std::string id(request.request_id);
    if (!service_->readyOrAnswer(respond, id)) return;
    auto params = QueryParams::parse(request.head.url);
    auto parsed = params.isOk() ? parseSearch(*params, *service_) : StatusOr<ParsedSearch>(params.status());
    if (!parsed.isOk()) {
      service_->metrics().count(Op::kSearch, Result::kRefused);
      respond(LocalResponse::problem(Problem::kInvalidParameter, parsed.status().message(), id));
      return;
    }
    const std::string* accept = request.head.headers.get("accept");
    const bool fhir = accept != nullptr && accept->find("application/fhir+json") != std::string::npos;
    run(std::move(parsed.value()), fhir, std::move(respond));
  }

 private:
  void run(ParsedSearch parsed, bool fhir, Respond respond) {
    std::vector<std::string> cities;
    for (const auto& [c, offset] : parsed.cities) cities.push_back(c);
    auto next = std::make_shared<std::map<std::string, std::string>>();
    auto service = service_;
    const auto query = std::make_shared<const ParsedSearch>(std::move(parsed));
    federation::fanOut(
        service_->worker().dispatcher, cities, service_->config().federation->deadline,
        [service, query, next](const std::string& city, federation::EnvelopeCallback done) {
          model::QueryT q = query->query;
          q.page_token = std::to_string(query->cities.at(city));
          q.cities = {city};
          auto keep = [next, city, done = std::move(done)](StatusOr<model::EnvelopeT> answer) {
            if (answer.isOk()) {
              if (const auto* r = answer->body.AsSearchResult(); r && !r->next_page_token.empty())
                (*next)[city] = r->next_page_token;
            }
            done(std::move(answer));
          };
          if (city == service->city()) {
            searchHere(*service, q, std::move(keep));
          } else {
            searchOwner(*service, city, q, std::move(keep));
          }
        },
        [service, next, fhir, respond = std::move(respond)](model::SearchResultT merged) {
          service->metrics().count(Op::kSearch, Result::kOk);
          federation::sortMerged(merged);
          std::string cursor;
          for (const auto& [city, offset] : *next) {
            if (!cursor.empty()) cursor += ".";
            cursor += city;
            cursor += "~";
            cursor += offset;
          }
          respond(fhir ? fhirResponse(std::move(merged))
                       : LocalResponse::json(200, internal::slotsJson(merged, cursor)));
        });
  }

  static void searchHere(Service& service, const model::QueryT& q, federation::EnvelopeCallback done) {
    SlotSearch s;
    s.hospital = q.organization_id;
    s.department = q.department_code;
    s.doctor = q.practitioner_id;
    s.from_ms = internal::parseIsoMs(q.from).isOk() ? *internal::parseIsoMs(q.from) : 0;
    s.to_ms = internal::parseIsoMs(q.to).isOk() ? *internal::parseIsoMs(q.to) : 0;
    s.offset = std::strtoull(q.page_token.c_str(), nullptr, 10);
    s.limit = q.limit;
    service.pool().search(s, [done = std::move(done)](StatusOr<SearchPage> page) {
      if (!page.isOk()) {
        done(page.status());
        return;
      }
      model::SearchResultT result;
      for (const auto& v : page->slots)
        result.slots.push_back(std::make_unique<model::SlotT>(internal::slotModel(v)));
      result.next_page_token = page->next_cursor;
      done(model::envelopeOf(std::move(result)));
    });
  }

  static LocalResponse fhirResponse(model::SearchResultT merged) {
    const adapters::Codec* codec = adapters::findCodec("fhir-r4");
    if (codec == nullptr) return LocalResponse::problem(Problem::kNotImplemented, "no fhir-r4 codec", "");
    auto body = codec->encode(model::envelopeOf(std::move(merged)));
    if (!body.isOk()) return LocalResponse::problem(Problem::kInternal, body.status().message(), "");
    LocalResponse r = LocalResponse::json(200, std::move(body.value()));
    r.content_type = "application/fhir+json";
    return r;
  }

  std::shared_ptr<Service> service_;
};

}  // namespace

std::unique_ptr<gateway::LocalHandler> makeSearchHandler(std::shared_ptr<Service> service) {
  return std::make_unique<SearchHandler>(std::move(service));
}

}  // namespace metrogw::booking
