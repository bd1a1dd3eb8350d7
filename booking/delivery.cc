#include "booking/delivery.h"

#include <charconv>
#include <utility>

#include "booking/internal/delivery_entry.h"
#include "booking/internal/delivery_metrics.h"
#include "booking/internal/delivery_scripts.h"
#include "booking/internal/times.h"
#include "common/logging.h"
#include "observability/metrics.h"

namespace metrogw::booking {
namespace {

using internal::StreamEntry;
using Clock = std::chrono::steady_clock;
using Type = redis::Reply::Type;

[[nodiscard]] std::string nowMs() {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

[[nodiscard]] bool okReply(const StatusOr<redis::Reply>& r) { return r.isOk() && r->type != Type::kError; }

}  // namespace

Delivery::Delivery(Dispatcher& dispatcher, redis::Client& redis, PlatformSend platform,
                   DeliveryOptions options, gateway::HttpClient* http, observability::Registry* metrics,
                   uint32_t shard)
    : dispatcher_(dispatcher),
      redis_(redis),
      platform_(std::move(platform)),
      options_(std::move(options)),
      http_(http),
      rng_(std::random_device{}()) {
  if (metrics == nullptr) {
    fallback_metrics_ = std::make_unique<observability::Registry>(1);
    metrics = fallback_metrics_.get();
    shard = 0;
  }
  metrics_ = std::make_unique<internal::DeliveryMetrics>(*metrics, shard);
  timer_ = std::make_unique<Timer>(dispatcher_.base(), [this] { tick(); });
}

Delivery::~Delivery() {
  *alive_ = false;
  timer_.reset();
}

void Delivery::start() {
  if (running_) return;
  running_ = true;
  timer_->enableOnce(std::chrono::milliseconds(0));
}

void Delivery::stop() {
  running_ = false;
  timer_->disable();
}

bool Delivery::ready() const { return running_ && redis_.state() == redis::State::kReady; }

void Delivery::tick() {
  if (!running_) return;
  if (ready()) {
    if (!group_ready_) {
      ensureGroup();
    } else {
      readEntries();
      runDueRetries();
      if (Clock::now() >= next_claim_) claimIdle();
      if (Clock::now() >= next_lag_) refreshLag();
    }
  }
  timer_->enableOnce(options_.poll_interval);
}

void Delivery::ensureGroup() {
  if (group_pending_) return;
  group_pending_ = true;
  redis_.command({"XGROUP", "CREATE", key("pool:delivery"), options_.group, "0", "MKSTREAM"},
                 [this, alive = alive_](StatusOr<redis::Reply> r) {
                   if (!*alive) return;
                   group_pending_ = false;
                   // BUSYGROUP: another consumer (or an earlier run) created it.
                   if (okReply(r) || (r.isOk() && r->str.rfind("BUSYGROUP", 0) == 0)) group_ready_ = true;
                 });
}

void Delivery::readEntries() {
  if (reading_ || in_flight_.size() >= options_.max_in_flight ||
      in_flight_.size() + retries_.size() >= options_.max_held) {
    return;
  }
  reading_ = true;
  const bool own = !own_cursor_.empty();
  const std::string from = own ? own_cursor_ : ">";
  redis_.command({"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT",
                  std::to_string(options_.batch), "STREAMS", key("pool:delivery"), from},
                 [this, own, alive = alive_](StatusOr<redis::Reply> r) {
                   if (!*alive) return;
                   reading_ = false;
                   if (!okReply(r)) {
                     if (r.isOk() && r->str.rfind("NOGROUP", 0) == 0) group_ready_ = false;  // stream deleted
                     return;
                   }
                   const auto entries = internal::parseReadGroup(*r);
                   if (own) own_cursor_ = entries.empty() ? std::string() : entries.back().id;
                   for (const auto& e : entries) {
                     if (retries_.count(e.id) == 0) process(e);
                   }
                   if (!entries.empty() && running_) readEntries();  // more may be waiting
                 });
}

void Delivery::claimIdle() {
  if (claiming_) return;
  claiming_ = true;
  next_claim_ = Clock::now() + options_.claim_interval;
  redis_.command({"XAUTOCLAIM", key("pool:delivery"), options_.group, options_.consumer,
                  std::to_string(options_.claim_min_idle.count()), claim_cursor_, "COUNT",
                  std::to_string(options_.batch)},
                 [this, alive = alive_](StatusOr<redis::Reply> r) {
                   if (!*alive) return;
                   claiming_ = false;
                   if (!okReply(r)) return;
                   auto claimed = internal::parseAutoClaim(*r);
                   claim_cursor_ = claimed.cursor;
                   for (const auto& e : claimed.entries) {
                     if (retries_.count(e.id) == 0) process(e);  // ours and waiting: leave it to its timer
                   }
                 });
}

void Delivery::runDueRetries() {
  const auto now = Clock::now();
  std::vector<StreamEntry> due;
  for (auto it = retries_.begin(); it != retries_.end();) {
    if (it->second.due <= now && in_flight_.size() + due.size() < options_.max_in_flight) {
      due.push_back(StreamEntry{it->first, it->second.appointment, it->second.action});
      it = retries_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& e : due) process(e);
}

void Delivery::refreshLag() {
  next_lag_ = Clock::now() + std::chrono::seconds(1);
  redis_.command({"XPENDING", key("pool:delivery"), options_.group},
                 [this, alive = alive_](StatusOr<redis::Reply> r) {
                   if (!*alive || !okReply(r) || r->type != Type::kArray || r->elements.size() < 2) return;
                   metrics_->pending.set(r->elements[0].integer);
                   const int64_t oldest = internal::streamIdMs(r->elements[1].str);
                   const int64_t now = std::stoll(nowMs());
                   metrics_->lag.set(r->elements[0].integer > 0 && oldest > 0 ? (now - oldest) / 1000 : 0);
                 });
}

void Delivery::process(const StreamEntry& entry) {
  if (in_flight_.count(entry.id) != 0) return;
  // One entry per appointment at a time: a duplicate waits and then finds the first one's result.
  if (!busy_.emplace(entry.appointment, entry.id).second) {
    retries_[entry.id] = Retry{entry.appointment, entry.action, Clock::now() + options_.retry_initial};
    return;
  }
  in_flight_.insert(entry.id);
  redis_.command({"HGETALL", key("pool:appt:" + entry.appointment)}, [this, entry, alive = alive_](
                                                                         StatusOr<redis::Reply> r) {
    if (!*alive) return;
    if (!okReply(r)) {  // Redis away: try again later, attempts unchanged
      retries_[entry.id] = Retry{entry.appointment, entry.action, Clock::now() + options_.retry_initial};
      finish(entry);
      return;
    }
    auto appt = internal::parseHash(*r);
    if (internal::planFor(entry, appt) == internal::Plan::kSkip) {
      metrics_->skipped.inc();
      ack(entry);
      return;
    }
    send(entry, std::move(appt));
  });
}

void Delivery::send(const StreamEntry& entry, std::map<std::string, std::string> appt) {
  redis_.command(
      {"HINCRBY", key("pool:appt:" + entry.appointment), "delivery_attempts", "1"},
      [this, entry, appt = std::move(appt), alive = alive_](StatusOr<redis::Reply> r) {
        if (!*alive) return;
        if (!okReply(r)) {
          retries_[entry.id] = Retry{entry.appointment, entry.action, Clock::now() + options_.retry_initial};
          finish(entry);
          return;
        }
        const auto attempt = static_cast<uint32_t>(r->integer);
        metrics_->attempts.inc();
        platform_(internal::commandFor(entry, appt),
                  [this, entry, appt, attempt, alive](const StatusOr<model::EnvelopeT>& answer) {
                    if (*alive) onAnswer(entry, appt, attempt, answer);
                  });
      });
}

void Delivery::onAnswer(const StreamEntry& entry, const std::map<std::string, std::string>& appt,
                        uint32_t attempt, const StatusOr<model::EnvelopeT>& answer) {
  const internal::Outcome outcome = internal::classify(answer);
  switch (outcome.kind) {
    case internal::Outcome::Kind::kDelivered: delivered(entry, outcome.platform_ref); return;
    case internal::Outcome::Kind::kRefused: fail(entry, appt, outcome.reason); return;
    case internal::Outcome::Kind::kTransient:
      if (attempt >= options_.max_attempts) {
        fail(entry, appt, "max-attempts:" + outcome.reason);
      } else {
        retryLater(entry, attempt);
      }
      return;
  }
}

void Delivery::delivered(const StreamEntry& entry, const std::string& platform_ref) {
  redis_.eval(internal::deliveredScript(), {key("pool:appt:" + entry.appointment), key("pool:delivery")},
              {entry.action, platform_ref, nowMs(), entry.appointment},
              [this, entry, alive = alive_](const StatusOr<redis::Reply>& r) {
                if (!*alive) return;
                if (!okReply(r)) {  // the platform has it; deliver again later (idempotent there)
                  retryLater(entry, 1);
                  return;
                }
                metrics_->delivered.inc();
                ack(entry);
              });
}

void Delivery::fail(const StreamEntry& entry, const std::map<std::string, std::string>& appt,
                    const std::string& reason) {
  auto get = [&appt](const char* f) {
    const auto it = appt.find(f);
    return it == appt.end() ? std::string() : it->second;
  };
  const std::string day_key = key("pool:pday:" + get("patient") + ":" + get("start").substr(0, 10));
  // The booking counted in the statistics of the month it was made no longer exists at the hospital.
  int64_t created_ms = 0;
  const std::string created = get("created_ms");
  const bool counted =
      !created.empty() &&
      std::from_chars(created.data(), created.data() + created.size(), created_ms).ec == std::errc();
  const std::string stats_key = key("pool:stats:" + internal::chinaMonth(counted ? created_ms : 0));
  const std::string stats_field = counted ? get("hospital") + "|" + get("channel") : "";
  redis_.eval(internal::failScript(),
              {key("pool:appt:" + entry.appointment), key("pool:slot:" + get("slot")), day_key, stats_key},
              {reason, nowMs(), entry.appointment, stats_field},
              [this, entry, reason, alive = alive_](const StatusOr<redis::Reply>& r) {
                if (!*alive) return;
                if (!okReply(r)) {
                  retryLater(entry, 1);
                  return;
                }
                metrics_->failed.inc();
                log::info("booking.delivery", "appointment " + entry.appointment + " " + entry.action +
                                                  " failed for good: " + reason);
                ack(entry);
                notify(entry.appointment, reason, 1);
              });
}

void Delivery::retryLater(const StreamEntry& entry, uint32_t attempt) {
  metrics_->retry.inc();
  const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  const auto delay = internal::backoff(attempt, options_.retry_initial, options_.retry_max, unit);
  retries_[entry.id] = Retry{entry.appointment, entry.action, Clock::now() + delay};
  finish(entry);
}

void Delivery::ack(const StreamEntry& entry) {
  redis_.command({"XACK", key("pool:delivery"), options_.group, entry.id}, {});
  finish(entry);
}

void Delivery::finish(const StreamEntry& entry) {
  in_flight_.erase(entry.id);
  const auto it = busy_.find(entry.appointment);
  if (it != busy_.end() && it->second == entry.id) busy_.erase(it);
}

void Delivery::notify(const std::string& appointment, const std::string& reason, uint32_t attempt) {
  if (http_ == nullptr || options_.webhook_cluster.empty()) return;
  gateway::ClientRequest req;
  req.method = "POST";
  req.target = options_.webhook_path.empty() ? "/" : options_.webhook_path;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = internal::webhookBody(appointment, "failed", "failed", reason);
  http_->send(options_.webhook_cluster, std::move(req),
              [this, appointment, reason, attempt, alive = alive_](StatusOr<gateway::ClientResponse> r) {
                if (!*alive) return;
                if (r.isOk() && r->status >= 200 && r->status < 300) {
                  metrics_->webhook_ok.inc();
                  return;
                }
                metrics_->webhook_error.inc();
                if (attempt >= options_.webhook_attempts) return;
                auto timer = std::make_shared<std::unique_ptr<Timer>>();
                *timer = std::make_unique<Timer>(dispatcher_.base(),
                                                 [this, appointment, reason, attempt, timer, alive] {
                                                   if (*alive) notify(appointment, reason, attempt + 1);
                                                   dispatcher_.post([timer] { timer->reset(); });
                                                 });
                (*timer)->enableOnce(options_.webhook_retry);
              });
}

}  // namespace metrogw::booking
