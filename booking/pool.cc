#include "booking/pool.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "booking/internal/outcome.h"
#include "booking/internal/rules_json.h"
#include "booking/internal/scripts.h"

namespace metrogw::booking {
namespace {

using internal::problemOfSlug;

// {"ok"|"problem", a, b, ["replay"]} -> Outcome.
[[nodiscard]] StatusOr<Outcome> outcomeOf(StatusOr<redis::Reply> reply) {
  if (!reply.isOk()) return reply.status();
  if (reply->type == redis::Reply::Type::kError) return Status::internal("pool script: " + reply->str);
  const auto& e = reply->elements;
  if (reply->type != redis::Reply::Type::kArray || e.size() < 3)
    return Status::internal("pool script: bad answer");
  Outcome out;
  out.ok = e[0].str == "ok";
  if (out.ok) {
    out.status = std::atoi(e[1].str.c_str());
    out.body = e[2].str;
  } else {
    out.problem = problemOfSlug(e[1].str);
    out.detail = e[2].str;
    out.status = gateway::http::problemInfo(out.problem).status;
  }
  out.replay = e.size() > 3 && e[3].str == "replay";
  return out;
}

[[nodiscard]] std::string str(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}
[[nodiscard]] uint32_t uint(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it != v.MemberEnd() && it->value.IsNumber() ? static_cast<uint32_t>(it->value.GetDouble()) : 0;
}

[[nodiscard]] StatusOr<SlotView> slotViewOf(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) return Status::internal("pool search: bad slot JSON");
  SlotView v{str(d, "id"),         str(d, "city"),
             str(d, "hospital"),   str(d, "department"),
             str(d, "doctor"),     str(d, "start"),
             str(d, "end"),        uint(d, "capacity"),
             uint(d, "available"), uint(d, "family_available")};
  return v;
}

[[nodiscard]] StatusOr<SearchPage> pageOf(StatusOr<redis::Reply> reply) {
  if (!reply.isOk()) return reply.status();
  if (reply->type != redis::Reply::Type::kArray || reply->elements.empty())
    return Status::internal("pool search: " +
                            (reply->type == redis::Reply::Type::kError ? reply->str : "bad answer"));
  SearchPage page;
  page.next_cursor = reply->elements[0].str;
  for (size_t i = 1; i < reply->elements.size(); ++i) {
    auto v = slotViewOf(reply->elements[i].str);
    if (!v.isOk()) return v.status();
    page.slots.push_back(std::move(v.value()));
  }
  return page;
}

[[nodiscard]] StatusOr<long long> countOf(StatusOr<redis::Reply> reply) {
  if (!reply.isOk()) return reply.status();
  if (reply->type != redis::Reply::Type::kInteger)
    return Status::internal("pool sync: " +
                            (reply->type == redis::Reply::Type::kError ? reply->str : "bad answer"));
  return reply->integer;
}

}  // namespace

Pool::Pool(redis::Client& redis, std::string prefix, std::string city, const config::Booking& settings)
    : redis_(redis), prefix_(std::move(prefix)), city_(std::move(city)) {
  setSettings(settings);
}

void Pool::setSettings(const config::Booking& settings) {
  settings_ = settings;
  rules_json_ = internal::rulesJson(settings);
}

std::vector<std::string> Pool::args(const Idempotency* idem, const Caller* caller) const {
  std::vector<std::string> a{prefix_, rules_json_};
  if (idem != nullptr && !idem->key.empty() && caller != nullptr) {
    a.push_back(prefix_ + "pool:idem:" + caller->id() + ":" + idem->key);
    a.push_back(idem->digest);
  } else {
    a.emplace_back();
    a.emplace_back();
  }
  a.push_back(std::to_string(settings_.idempotency_ttl.count()));
  return a;
}

void Pool::run(const redis::Script& script, const std::vector<std::string>& argv, OutcomeCallback done,
               bool mutating) {
  if (!mutating || durability_.replicas == 0) {
    redis_.eval(script, {}, argv,
                [done = std::move(done)](StatusOr<redis::Reply> r) { done(outcomeOf(std::move(r))); });
    return;
  }
  redis_.eval(
      script, {}, argv,
      [client = &redis_, durability = durability_, done = std::move(done)](StatusOr<redis::Reply> r) mutable {
        auto outcome = outcomeOf(std::move(r));
        if (!outcome.isOk() || !outcome->ok || outcome->replay) return done(std::move(outcome));
        redis::waitForReplicas(
            *client, durability,
            [outcome = std::move(outcome).value(), done = std::move(done)](const Status& s) mutable {
              if (s.isOk()) return done(std::move(outcome));
              done(Status::upstreamUnavailable(s.message() + "; retry with the same Idempotency-Key"));
            });
      });
}

void Pool::hold(const Caller& caller, const Idempotency& idem, const std::string& slot,
                const std::string& patient, OutcomeCallback done) {
  auto a = args(&idem, &caller);
  a.insert(a.end(), {slot, patient, caller.family ? "1" : "0", caller.id(),
                     std::to_string(settings_.hold_ttl.count()), city_});
  run(internal::holdScript(), a, std::move(done));
}

void Pool::book(const Caller& caller, const Idempotency& idem, const BookRequest& r, OutcomeCallback done) {
  auto a = args(&idem, &caller);
  a.insert(a.end(), {r.slot, r.patient, caller.family ? "1" : "0", caller.id(), r.hold, city_, caller.channel,
                     caller.city, r.referral});
  run(internal::bookScript(), a, std::move(done));
}

void Pool::cancel(const Caller& caller, const Idempotency& idem, const std::string& appointment,
                  OutcomeCallback done) {
  auto a = args(&idem, &caller);
  a.insert(a.end(), {appointment, caller.id()});
  run(internal::cancelScript(), a, std::move(done));
}

void Pool::read(const Caller& caller, const std::string& appointment, OutcomeCallback done) {
  auto a = args(nullptr, nullptr);
  a.insert(a.end(), {appointment, caller.id()});
  run(internal::readScript(), a, std::move(done), false);
}

void Pool::noShow(const std::string& appointment, OutcomeCallback done) {
  auto a = args(nullptr, nullptr);
  a.push_back(appointment);
  run(internal::noShowScript(), a, std::move(done));
}

void Pool::referralStatus(const Caller& caller, const Idempotency& idem, const ReferralAction& r,
                          OutcomeCallback done) {
  auto a = args(&idem, &caller);
  a.insert(a.end(), {r.appointment, r.actor, r.status, r.allowed_from, r.note});
  run(internal::referralStatusScript(), a, std::move(done));
}

void Pool::referBack(const Caller& caller, const Idempotency& idem, const ReferralAction& r,
                     OutcomeCallback done) {
  auto a = args(&idem, &caller);
  a.insert(a.end(), {r.appointment, r.actor, r.back});
  run(internal::referBackScript(), a, std::move(done));
}

void Pool::referrals(const ReferralQuery& q, OutcomeCallback done) {
  auto a = args(nullptr, nullptr);
  a.insert(a.end(), {q.actor, q.hospital, q.status, std::to_string(q.offset), std::to_string(q.limit)});
  run(internal::referralListScript(), a, std::move(done), false);
}

void Pool::search(const SlotSearch& q, SearchCallback done) {
  std::string index = "idx:all";
  if (!q.doctor.empty()) {
    index = "idx:doc:" + q.doctor;
  } else if (!q.department.empty()) {
    index = "idx:d:" + q.department;
  } else if (!q.hospital.empty()) {
    index = "idx:h:" + q.hospital;
  }
  std::vector<std::string> a{prefix_,
                             rules_json_,
                             index,
                             std::to_string(q.from_ms),
                             std::to_string(q.to_ms),
                             std::to_string(q.offset),
                             std::to_string(q.limit),
                             q.hospital,
                             q.department,
                             q.doctor};
  redis_.eval(internal::searchScript(), {}, a,
              [done = std::move(done)](StatusOr<redis::Reply> r) { done(pageOf(std::move(r))); });
}

void Pool::upsert(const std::vector<PlatformSlot>& slots, const std::string& gen, CountCallback done) {
  std::vector<std::string> a{prefix_, rules_json_, gen, "", ""};
  a.reserve(5 + slots.size() * 11);
  for (const auto& s : slots) {
    a.insert(a.end(), {s.id, s.platform_id, s.hospital, s.department, s.doctor, s.start, s.end,
                       std::to_string(s.start_ms), std::to_string(s.capacity),
                       std::to_string(s.platform_booked), s.tertiary ? "1" : "0"});
  }
  redis_.eval(internal::syncUpsertScript(), {}, a,
              [done = std::move(done)](StatusOr<redis::Reply> r) { done(countOf(std::move(r))); });
}

void Pool::finishSync(const std::string& gen, int64_t from_ms, int64_t to_ms, CountCallback done) {
  std::vector<std::string> a{prefix_, rules_json_, gen, std::to_string(from_ms), std::to_string(to_ms)};
  redis_.eval(internal::syncFinishScript(), {}, a,
              [done = std::move(done)](StatusOr<redis::Reply> r) { done(countOf(std::move(r))); });
}

}  // namespace metrogw::booking
