#include "booking/sync.h"

#include "booking/internal/slot_model.h"
#include "booking/internal/times.h"
#include "federation/north_query.h"

namespace metrogw::booking {
namespace {

constexpr int64_t kDayMs = 86'400'000;

// Deletes the lock only when it is still this run's (it may have lapsed and been taken since).
const redis::Script& unlockScript() {
  static const redis::Script s(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");
  return s;
}

[[nodiscard]] Status answerStatus(const StatusOr<model::EnvelopeT>& answer, model::Body expected) {
  if (!answer.isOk()) return answer.status();
  if (const auto* p = answer->body.AsProblem()) return Status::upstreamUnavailable("platform: " + p->detail);
  if (answer->body.type != expected)
    return Status::malformedMessage("platform answered another kind of message");
  return Status::ok();
}

}  // namespace

struct Syncer::Run {
  uint32_t days = 14;
  SyncCallback done;
  std::string gen;
  std::string lock_value;
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  std::set<std::string> tertiary;
  std::string page_token;
  int pages = 0;
  SyncReport report;
};

Syncer::Syncer(Pool& pool, redis::Client& redis, federation::NodeContext& node, std::string owner)
    : pool_(pool), redis_(redis), node_(node), owner_(std::move(owner)) {}

Syncer::~Syncer() { *alive_ = false; }

void Syncer::run(uint32_t days, SyncCallback done) {
  auto r = std::make_shared<Run>();
  r->days = days;
  r->done = std::move(done);
  r->from_ms = internal::unixNowMs();
  r->to_ms = r->from_ms + static_cast<int64_t>(days) * kDayMs;
  r->gen = std::to_string(r->from_ms) + "/" + owner_;
  r->lock_value = r->gen;
  std::weak_ptr<bool> alive = alive_;
  redis_.command(
      {"SET", pool_.prefix() + "pool:synclock", r->lock_value, "NX", "PX", std::to_string(kLockTtl.count())},
      [this, alive, r](StatusOr<redis::Reply> reply) {
        if (alive.expired()) return;
        if (!reply.isOk()) {
          r->done(reply.status());
          return;
        }
        if (reply->type == redis::Reply::Type::kNil) {
          r->report.skipped = true;
          r->done(r->report);
          return;
        }
        askOrganizations(r);
      });
}

void Syncer::askOrganizations(const std::shared_ptr<Run>& r) {
  model::QueryT q;
  q.kind = model::QueryKind::Organizations;
  q.cities.push_back(pool_.city());
  q.limit = 500;
  std::weak_ptr<bool> alive = alive_;
  node_.askPlatform(model::envelopeOf(std::move(q)), [this, alive, r](StatusOr<model::EnvelopeT> answer) {
    if (alive.expired()) return;
    // Without the directory the platform's own family-doctor share marks the tertiary hospitals.
    if (answerStatus(answer, model::Body::SearchResult).isOk()) {
      for (const auto& o : answer->body.AsSearchResult()->organizations) {
        if (o && o->grade == model::HospitalGrade::Tertiary) r->tertiary.insert(o->id);
      }
    }
    askPage(r);
  });
}

void Syncer::askPage(const std::shared_ptr<Run>& r) {
  model::QueryT q;
  q.kind = model::QueryKind::Slots;
  q.cities.push_back(pool_.city());
  q.from = federation::chinaTime(r->from_ms / 1000);
  q.to = federation::chinaTime(r->to_ms / 1000);
  q.family_doctor = true;  // every slot with a place left for anyone
  q.limit = kPageSize;
  q.page_token = r->page_token;
  std::weak_ptr<bool> alive = alive_;
  node_.askPlatform(model::envelopeOf(std::move(q)), [this, alive, r](StatusOr<model::EnvelopeT> answer) {
    if (!alive.expired()) onPage(r, std::move(answer));
  });
}

void Syncer::onPage(const std::shared_ptr<Run>& r, StatusOr<model::EnvelopeT> answer) {
  if (Status s = answerStatus(answer, model::Body::SearchResult); !s.isOk()) {
    finish(r, s);
    return;
  }
  const auto* result = answer->body.AsSearchResult();
  std::vector<PlatformSlot> batch;
  for (const auto& s : result->slots) {
    auto p = s ? internal::platformSlot(*s, pool_.city(), r->tertiary) : Status::invalidArgument("empty");
    if (p.isOk()) {
      batch.push_back(std::move(p.value()));
    } else {
      ++r->report.rejected;
    }
  }
  r->page_token = result->next_page_token;
  r->report.slots += batch.size();
  const bool last = r->page_token.empty() || ++r->pages >= kMaxPages;
  std::weak_ptr<bool> alive = alive_;
  pool_.upsert(batch, r->gen, [this, alive, r, last](StatusOr<long long> added) {
    if (alive.expired()) return;
    if (!added.isOk()) {
      finish(r, added.status());
      return;
    }
    r->report.added += *added;
    if (!last) {
      askPage(r);
      return;
    }
    pool_.finishSync(r->gen, r->from_ms, r->to_ms, [this, alive, r](StatusOr<long long> withdrawn) {
      if (alive.expired()) return;
      if (!withdrawn.isOk()) {
        finish(r, withdrawn.status());
        return;
      }
      r->report.withdrawn = *withdrawn;
      finish(r, r->report);
    });
  });
}

void Syncer::finish(const std::shared_ptr<Run>& r, StatusOr<SyncReport> result) {
  redis_.eval(unlockScript(), {pool_.prefix() + "pool:synclock"}, {r->lock_value}, {});
  r->done(std::move(result));
}

}  // namespace metrogw::booking
