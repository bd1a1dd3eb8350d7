// Delivery to the hospital: the consumer of this city's booking outbox `P pool:delivery`.
//
// The pool's book and cancel scripts append {appointment, action} to the stream atomically with
// the booking. A Delivery reads it in the consumer group "delivery" (XREADGROUP, no BLOCK: it
// polls every poll_interval so it can share a connection), reads `P pool:appt:<aid>`, and sends the
// platform a Command through `PlatformSend`:
//   book    Book   slot = platform_slot, patient by person token, family flag,
//                  idempotency_key = <aid>          (a repeated delivery never books twice)
//   cancel  Cancel appointment = platform_ref, idempotency_key = <aid>:cancel
// Then:
//   platform took it        deliveredScript: delivery=delivered, platform_ref; XACK
//   transient (down, timeout, 5xx, 429)  left pending; retried after backoff(attempt) =
//                           retry_initial·2^(n-1) capped at retry_max, jittered in [d/2, d];
//                           attempts counted in the hash (delivery_attempts)
//   refused (4xx, or max_attempts transient failures)
//                           failScript: status=failed delivery=failed reason=<slug>, the place
//                           given back exactly once; XACK; then the webhook (if configured)
// Entries whose appointment is gone, already delivered or cancelled before delivery are
// acknowledged without asking the platform.
//
// Recovery: on start the consumer first re-reads its own pending entries (XREADGROUP ... 0), so a
// restarted node (same consumer name) picks up where it stopped; every claim_interval it takes
// over entries other consumers left idle for claim_min_idle (XAUTOCLAIM), e.g. a node that died.
// Two consumers may then deliver the same entry: harmless, the idempotency key makes the platform
// answer the same appointment, and both scripts are idempotent.
//
// Where it runs (registerDelivery): worker 0 of each node only, consumer name = the node's name,
// with its own Redis connection. Delivery is I/O-bound and one consumer per node keeps the name
// stable across restarts; more nodes sharing the pool's Redis add consumers to the same group.
//
// Threading: one Dispatcher; start(), stop() and every callback on its thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "common/event_loop.h"
#include "config/booking.h"
#include "gateway/client.h"
#include "gateway/handler.h"
#include "model/model.h"
#include "redis/client.h"

namespace metrogw::observability {
class Registry;
}

namespace metrogw::booking {

namespace internal {
struct DeliveryMetrics;
struct StreamEntry;
}  // namespace internal

// The consumer's settings: the `booking.delivery` keys (config::BookingDelivery: retry_initial,
// retry_max, max_attempts, claim_min_idle, claim_interval, poll_interval, batch, max_in_flight,
// max_held and the optional webhook_cluster/path/attempts/retry, with their defaults) plus where it
// reads and who it is.
struct DeliveryOptions : config::BookingDelivery {
  std::string key_prefix = "mgw:";  // redis.key_prefix
  std::string consumer = "node";    // stable across restarts (the node's name)
  std::string group = "delivery";
};

// Sends one Command to this city's platform; `done` runs once, later, on the same loop.
using PlatformSend =
    std::function<void(const model::CommandT&, std::function<void(StatusOr<model::EnvelopeT>)>)>;

class Delivery {
 public:
  // `redis` must outlive the Delivery (it may be shared with other users of the loop); `http` may be
  // null (no webhook); `metrics` may be null.
  Delivery(Dispatcher& dispatcher, redis::Client& redis, PlatformSend platform, DeliveryOptions options,
           gateway::HttpClient* http = nullptr, observability::Registry* metrics = nullptr,
           uint32_t shard = 0);
  ~Delivery();
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  void start();  // idempotent
  void stop();   // no new work; entries in flight stay pending in Redis

  [[nodiscard]] size_t inFlight() const { return in_flight_.size(); }
  [[nodiscard]] size_t retrying() const { return retries_.size(); }

 private:
  struct Retry {
    std::string appointment;
    std::string action;
    std::chrono::steady_clock::time_point due;
  };

  void tick();
  void ensureGroup();
  void readEntries();
  void claimIdle();
  void runDueRetries();
  void refreshLag();
  void process(const internal::StreamEntry& entry);
  void send(const internal::StreamEntry& entry, std::map<std::string, std::string> appt);
  void onAnswer(const internal::StreamEntry& entry, const std::map<std::string, std::string>& appt,
                uint32_t attempt, const StatusOr<model::EnvelopeT>& answer);
  void delivered(const internal::StreamEntry& entry, const std::string& platform_ref);
  void fail(const internal::StreamEntry& entry, const std::map<std::string, std::string>& appt,
            const std::string& reason);
  void retryLater(const internal::StreamEntry& entry, uint32_t attempt);
  void ack(const internal::StreamEntry& entry);
  void finish(const internal::StreamEntry& entry);
  void notify(const std::string& appointment, const std::string& reason, uint32_t attempt);
  [[nodiscard]] std::string key(const std::string& rest) const { return options_.key_prefix + rest; }
  [[nodiscard]] bool ready() const;

  Dispatcher& dispatcher_;
  redis::Client& redis_;
  PlatformSend platform_;
  DeliveryOptions options_;
  gateway::HttpClient* http_;
  std::unique_ptr<observability::Registry> fallback_metrics_;
  std::unique_ptr<internal::DeliveryMetrics> metrics_;
  std::unique_ptr<Timer> timer_;
  std::mt19937_64 rng_;
  bool running_ = false;
  bool group_ready_ = false;
  bool group_pending_ = false;    // XGROUP CREATE in flight
  bool reading_ = false;          // XREADGROUP in flight
  bool claiming_ = false;         // XAUTOCLAIM in flight
  std::string own_cursor_ = "0";  // re-reading own pending entries until it comes back empty
  std::string claim_cursor_ = "0-0";
  std::chrono::steady_clock::time_point next_claim_{};
  std::chrono::steady_clock::time_point next_lag_{};
  std::set<std::string> in_flight_;          // stream ids being delivered
  std::map<std::string, std::string> busy_;  // appointment id → the stream id delivering it
  std::map<std::string, Retry> retries_;     // stream id → when to try again
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Adds the handler "booking-delivery": on worker 0 it owns a Delivery (settings from
// `booking.delivery`, consumer = node name, its own Redis connection from `redis:`, the platform
// through federation::NodeContext, webhook through the worker's HttpClient) started on the worker's
// loop; a route to it answers GET with the consumer's state as JSON. Nothing runs when the config has
// no `booking:`, `redis:` or `federation:` section.
void registerDelivery(gateway::HandlerRegistry& registry);

}  // namespace metrogw::booking
