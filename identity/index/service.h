// The identity service of one worker: person tokens, the cross-reference cache (in-process, then
// Redis) and discovery on a miss.
//
// resolve(): token = HMAC of the identifier (identity/token.h). Cache order: in-process (optional,
// short TTL) → Redis "<prefix>xref:<token>" (every key of the keyring, current first, so tokens made
// before a rotation still resolve) → discovery (discovery.h). A cached entry is used only when it
// was confirmed for the same demographics (keyed digest). Concurrent misses are single-flight: on
// the worker by an in-flight table, across workers and nodes by a Redis lock "<prefix>xlock:<token>"
// (SET NX PX) — whoever holds it discovers, the others poll the value until it appears or the lock
// lapses. Results are stored with the configured TTL; "known nowhere" and partial answers (a city
// missing) with the short negative TTL.
//
// Degraded mode: when Redis is down or slow (command timeouts), every step that needs it is
// skipped: requests still resolve, by discovery, with worker-level single-flight. Redis comes back
// by itself (redis::Client reconnects); the node logs one warning when it becomes degraded and one
// when it recovers, and /readyz carries a note meanwhile.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "federation/node_context.h"
#include "gateway/handler.h"
#include "identity/index/match.h"
#include "identity/index/memory_cache.h"
#include "identity/token.h"
#include "redis/client.h"

namespace metrogw::identity::index {

struct Metrics;

// Node-wide state shared by the workers' services (atomics and a mutex-guarded log flag).
class SharedState;
// The one SharedState of this process: every module using identity Services (the identity API, sharing)
// shares it, so the cache epoch is common and the node-level degraded line is logged once.
[[nodiscard]] std::shared_ptr<SharedState> processSharedState();

class SharedState {
 public:
  [[nodiscard]] uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }
  void bumpEpoch() { epoch_.fetch_add(1, std::memory_order_acq_rel); }
  // A worker's Redis client changed state; logs the node-level transition once.
  void redisStateChanged(bool was_ready, bool ready, bool down);
  void redisClientAdded() { clients_.fetch_add(1, std::memory_order_acq_rel); }
  void redisClientRemoved(bool was_ready);
  // "" when every worker's Redis connection is ready (or no Redis is configured).
  [[nodiscard]] std::string statusNote() const;

 private:
  void logTransition(bool went_down);
  std::atomic<uint64_t> epoch_{0};
  std::atomic<int> clients_{0};
  std::atomic<int> ready_{0};
  std::mutex log_mu_;
  bool logged_degraded_ = false;
};

struct Resolved {
  std::string token;
  std::shared_ptr<const CrossRef> ref;
  Source source = Source::kDiscovery;
};
using ResolvedCallback = std::function<void(StatusOr<Resolved>)>;

class Service {
 public:
  Service(gateway::WorkerContext& worker, std::shared_ptr<SharedState> shared);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // The identity section in force and its keyring; errors when identity is not configured or the
  // key file cannot be loaded (then nothing here works).
  [[nodiscard]] Status ready();
  [[nodiscard]] const config::Identity& settings() const { return *settings_; }
  [[nodiscard]] const Keyring& keyring() const { return *keyring_; }

  // Callbacks run later, on this worker's loop.
  void resolve(const Subject& subject, ResolvedCallback done);
  // Cache only (a token cannot be reversed to discover with): notFound when nothing is cached.
  void lookup(const std::string& token, ResolvedCallback done);
  // Drops the entry everywhere: Redis, and every worker's in-process cache (epoch). Fails with
  // upstreamUnavailable when Redis could not be reached (its entry may then outlive the call).
  void invalidate(const std::vector<std::string>& tokens, const std::string& trigger,
                  std::function<void(Status)> done);

 private:
  struct Flight;
  Status refresh();
  void onRedisState(redis::State state);
  [[nodiscard]] bool redisReady() const;
  [[nodiscard]] std::chrono::milliseconds discoveryDeadline() const;
  [[nodiscard]] std::string key(std::string_view kind, std::string_view token) const;
  void readCache(const std::string& flight_key, const std::vector<std::string>& tokens);
  void lockOrWait(const std::string& flight_key);
  void pollValue(const std::string& flight_key);
  void startDiscovery(const std::string& flight_key);
  void store(const Flight& flight, const std::shared_ptr<const CrossRef>& ref);
  void finish(const std::string& flight_key, const StatusOr<Resolved>& result);
  [[nodiscard]] bool usable(const CrossRef& ref, const std::string& digest) const;

  gateway::WorkerContext worker_;
  std::shared_ptr<SharedState> shared_;
  federation::NodeContext node_;
  config::ConfigPtr config_;
  const config::Identity* settings_ = nullptr;
  std::optional<Keyring> keyring_;
  std::unique_ptr<redis::Client> redis_;
  bool redis_ready_ = false;
  std::string prefix_;
  MemoryCache memory_{0, std::chrono::milliseconds(0)};
  std::unordered_map<std::string, std::unique_ptr<Flight>> flights_;
  std::unique_ptr<observability::Registry> fallback_metrics_;  // when the worker has no registry
  std::unique_ptr<Metrics> metrics_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace metrogw::identity::index
