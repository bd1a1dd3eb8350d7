#include "booking/service.h"

#include <fstream>

#include "common/logging.h"
#include "redis/config.h"

namespace metrogw::booking {
namespace {

constexpr std::chrono::milliseconds kFirstSync{500};  // after start, once Redis had time to connect
constexpr std::chrono::milliseconds kRetrySync{5'000};

[[nodiscard]] bool sameRedis(const config::Config& a, const config::Config& b) {
  const auto &x = *a.redis, &y = *b.redis;
  auto sentinels = [](const config::Redis& r) {
    std::string out = r.sentinel_master;
    for (const auto& s : r.sentinels) out += " " + s.host + ":" + std::to_string(s.port);
    return out;
  };
  return x.address.host == y.address.host && x.address.port == y.address.port && x.db == y.db &&
         sentinels(x) == sentinels(y) && x.password_file == y.password_file &&
         x.command_timeout == y.command_timeout && x.key_prefix == y.key_prefix &&
         a.federation->city == b.federation->city;
}

}  // namespace

Service::Service(gateway::WorkerContext& worker) : worker_(worker), node_(worker) {
  if (worker_.metrics != nullptr) {
    metrics_ = std::make_unique<Metrics>(*worker_.metrics, worker_.worker_index);
  } else {
    fallback_metrics_ = std::make_unique<observability::Registry>(1);
    metrics_ = std::make_unique<Metrics>(*fallback_metrics_, 0);
  }
  (void)refresh();
  if (pool_ && worker_.worker_index == 0) {
    timer_ = std::make_unique<Timer>(worker_.dispatcher.base(), [this] { periodicSync(); });
    schedule(kFirstSync);
  }
}

Service::~Service() {
  *alive_ = false;
  timer_.reset();
  syncer_.reset();
  pool_.reset();
  redis_.reset();
}

Status Service::ready() { return refresh(); }

bool Service::readyOrAnswer(const gateway::Respond& respond, std::string_view request_id) {
  Status s = refresh();
  if (s.isOk()) return true;
  respond(gateway::LocalResponse::problem(gateway::http::Problem::kNotImplemented, s.message(), request_id));
  return false;
}

Status Service::refresh() {
  config::ConfigPtr now = worker_.config();
  if (now == config_ && pool_) return Status::ok();
  if (!now || !now->booking || !now->redis || !now->federation)
    return Status::invalidArgument("this node has no booking pool (booking, redis and federation sections)");
  if (!pool_ || !config_ || !sameRedis(*config_, *now)) {
    ASSIGN_OR_RETURN(redis::Options o, redis::optionsFromConfig(*now->redis));
    syncer_.reset();
    pool_.reset();
    redis_ = std::make_unique<redis::Client>(worker_.dispatcher, std::move(o), worker_.metrics,
                                             worker_.worker_index);
    redis_->start();
    city_ = now->federation->city;
    pool_ = std::make_unique<Pool>(*redis_, now->redis->key_prefix, city_, *now->booking);
    pool_->setDurability(redis::durabilityFrom(*now->redis));
    syncer_ = std::make_unique<Syncer>(*pool_, *redis_, node_,
                                       worker_.node_name + "/" + std::to_string(worker_.worker_index));
  } else {
    pool_->setSettings(*now->booking);
    pool_->setDurability(redis::durabilityFrom(*now->redis));
  }
  config_ = std::move(now);
  return Status::ok();
}

void Service::sync(SyncCallback done) {
  if (Status s = refresh(); !s.isOk()) {
    worker_.dispatcher.post([done = std::move(done), s]() mutable { done(std::move(s)); });
    return;
  }
  syncer_->run(settings().sync_days,
               [this, alive = std::weak_ptr<bool>(alive_), done = std::move(done)](StatusOr<SyncReport> r) {
                 if (!alive.expired()) {
                   if (!r.isOk()) {
                     metrics_->sync_error.inc();
                   } else if (r->skipped) {
                     metrics_->sync_skipped.inc();
                   } else {
                     metrics_->sync_ok.inc();
                     metrics_->synced_slots.inc(r->slots);
                   }
                 }
                 done(std::move(r));
               });
}

void Service::schedule(std::chrono::milliseconds after) {
  if (timer_) timer_->enableOnce(after);
}

void Service::periodicSync() {
  if (!refresh().isOk()) {
    schedule(kRetrySync);
    return;
  }
  if (redis_->state() != redis::State::kReady) {
    schedule(kRetrySync);
    return;
  }
  sync([this, alive = std::weak_ptr<bool>(alive_)](const StatusOr<SyncReport>& r) {
    if (alive.expired()) return;
    if (!r.isOk()) {
      log::warn("booking", "slot sync failed: " + r.status().message());
      schedule(kRetrySync);
    } else {
      log::info("booking", "slot sync: " + std::to_string(r->slots) + " platform slots, " +
                               std::to_string(r->added) + " new, " + std::to_string(r->withdrawn) +
                               " withdrawn" + (r->skipped ? " (skipped: another sync running)" : ""));
      schedule(settings().sync_interval);
    }
    refreshGauge();
  });
}

void Service::refreshGauge() {
  redis_->command({"ZCARD", pool_->prefix() + "pool:idx:all"},
                  [this, alive = std::weak_ptr<bool>(alive_)](StatusOr<redis::Reply> r) {
                    if (!alive.expired() && r.isOk() && r->type == redis::Reply::Type::kInteger)
                      metrics_->pool_slots.set(r->integer);
                  });
}

}  // namespace metrogw::booking
