#include "identity/index/service.h"

#include <openssl/evp.h>

#include <fstream>

#include "common/event_loop.h"
#include "common/logging.h"
#include "identity/index/discovery.h"
#include "identity/index/metrics.h"
#include "redis/config.h"

namespace metrogw::identity::index {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollEvery{50};
constexpr std::chrono::milliseconds kLockMargin{2'000};

[[nodiscard]] bool sameRedis(const config::Redis& a, const config::Redis& b) {
  return a.address.host == b.address.host && a.address.port == b.address.port && a.db == b.db &&
         a.password_file == b.password_file && a.connect_timeout == b.connect_timeout &&
         a.command_timeout == b.command_timeout;
}

// A digest of the demographics an entry was confirmed for, keyed by the person token it is stored
// under (the token is itself a keyed MAC, so the digest reveals nothing without the key, and an
// entry found under a previous key's token is checked with that token).
[[nodiscard]] std::string demographicsDigest(std::string_view token, const Subject& s) {
  const std::string input = std::string(token) + "|" + foldName(s.name) + "|" + s.birth_date;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 12 && i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace

// ---- SharedState -----------------------------------------------------------------------------

std::shared_ptr<SharedState> processSharedState() {
  static const std::shared_ptr<SharedState> state = std::make_shared<SharedState>();
  return state;
}

void SharedState::redisStateChanged(bool was_ready, bool ready, bool down) {
  if (was_ready != ready) ready_.fetch_add(ready ? 1 : -1, std::memory_order_acq_rel);
  logTransition(down);
}

void SharedState::redisClientRemoved(bool was_ready) {
  if (was_ready) ready_.fetch_sub(1, std::memory_order_acq_rel);
  clients_.fetch_sub(1, std::memory_order_acq_rel);
}

void SharedState::logTransition(bool went_down) {
  const int clients = clients_.load(std::memory_order_acquire);
  const int ready = ready_.load(std::memory_order_acquire);
  const std::lock_guard<std::mutex> lock(log_mu_);
  if (went_down && !logged_degraded_) {
    logged_degraded_ = true;
    log::warn("identity",
              "redis unreachable: degraded, patients resolve by discovery (slower) until it is back");
  } else if (!went_down && logged_degraded_ && ready >= clients) {
    logged_degraded_ = false;
    log::warn("identity", "redis reachable again on every worker: cache in use, degraded mode over");
  }
}

std::string SharedState::statusNote() const {
  const int clients = clients_.load(std::memory_order_acquire);
  const int ready = ready_.load(std::memory_order_acquire);
  if (clients == 0 || ready >= clients) return "";
  return "redis connected on " + std::to_string(ready) + " of " + std::to_string(clients) +
         " workers; identity resolves by discovery where it is not";
}

// ---- Service ---------------------------------------------------------------------------------

struct Service::Flight {
  Subject subject;
  std::vector<std::string> tokens;  // current key first
  std::string digest;
  std::vector<ResolvedCallback> waiters;
  std::unique_ptr<Timer> poll;
  Clock::time_point lock_until;
  Clock::time_point started = Clock::now();
  bool holds_lock = false;
  bool discovering = false;
};

Service::Service(gateway::WorkerContext& worker, std::shared_ptr<SharedState> shared)
    : worker_(worker), shared_(std::move(shared)), node_(worker) {
  if (worker_.metrics != nullptr)
    metrics_ = std::make_unique<Metrics>(*worker_.metrics, worker_.worker_index);
  // Connect to Redis now, not at the first request, so the cache is ready when traffic comes. A
  // failure here (e.g. an unreadable key file) is reported by ready() on every request instead.
  (void)refresh();
}

Service::~Service() {
  *alive_ = false;
  if (redis_) shared_->redisClientRemoved(redis_ready_);
}

Status Service::ready() { return refresh(); }

Status Service::refresh() {
  config::ConfigPtr now = worker_.config();
  if (now == config_ && settings_ != nullptr) return Status::ok();
  if (!now || !now->identity) return Status::invalidArgument("this node has no identity section");
  auto keys = Keyring::loadFile(now->identity->key_file);
  if (!keys.isOk()) return keys.status();
  const bool rebuild = !now->redis || !config_ || !config_->redis || !sameRedis(*config_->redis, *now->redis);
  if (rebuild && redis_) {
    shared_->redisClientRemoved(redis_ready_);
    redis_.reset();
    redis_ready_ = false;
  }
  if (rebuild && now->redis) {
    ASSIGN_OR_RETURN(redis::Options o, redis::optionsFromConfig(*now->redis));
    shared_->redisClientAdded();
    redis_ =
        std::make_unique<redis::Client>(worker_.dispatcher, std::move(o), worker_.metrics,
                                        worker_.worker_index, [this](redis::State s) { onRedisState(s); });
    redis_->start();
  }
  if (!metrics_) {
    fallback_metrics_ = std::make_unique<observability::Registry>(1);
    metrics_ = std::make_unique<Metrics>(*fallback_metrics_, 0);
  }
  memory_ = MemoryCache(now->identity->local_cache_entries, now->identity->local_cache_ttl);
  prefix_ = now->redis ? now->redis->key_prefix : "";
  keyring_.emplace(std::move(keys.value()));
  config_ = std::move(now);
  settings_ = &*config_->identity;
  return Status::ok();
}

void Service::onRedisState(redis::State state) {
  const bool ready = state == redis::State::kReady;
  const bool was = redis_ready_;
  redis_ready_ = ready;
  shared_->redisStateChanged(was, ready, state == redis::State::kDown);
}

bool Service::redisReady() const { return redis_ && redis_ready_; }

std::chrono::milliseconds Service::discoveryDeadline() const {
  return settings_->discovery_deadline.value_or(config_->federation ? config_->federation->deadline
                                                                    : std::chrono::milliseconds(3'000));
}

std::string Service::key(std::string_view kind, std::string_view token) const {
  std::string k = prefix_;
  k += kind;
  k += ':';
  k += token;
  return k;
}

bool Service::usable(const CrossRef& ref, const std::string& digest) const {
  return ref.demographics == digest;
}

void Service::resolve(const Subject& subject, ResolvedCallback done) {
  if (Status s = refresh(); !s.isOk()) {
    worker_.dispatcher.post([done = std::move(done), s]() mutable { done(std::move(s)); });
    return;
  }
  std::vector<std::string> tokens = keyring_->allTokens(tokenSubject(subject.id));
  std::string digest = demographicsDigest(tokens.front(), subject);
  if (memory_.enabled()) {
    auto ref = memory_.get(tokens.front(), shared_->epoch(), Clock::now());
    if (ref && usable(*ref, digest)) {
      metrics_->memory_hit.inc();
      worker_.dispatcher.post([done = std::move(done),
                               r = Resolved{tokens.front(), std::move(ref), Source::kMemory}] { done(r); });
      return;
    }
    metrics_->memory_miss.inc();
  }
  const std::string flight_key = tokens.front() + "|" + digest;
  if (auto it = flights_.find(flight_key); it != flights_.end()) {
    metrics_->joined_worker.inc();
    it->second->waiters.push_back(std::move(done));
    return;
  }
  auto flight = std::make_unique<Flight>();
  flight->subject = subject;
  flight->tokens = std::move(tokens);
  flight->digest = std::move(digest);
  flight->waiters.push_back(std::move(done));
  const std::vector<std::string> keys_to_read = flight->tokens;
  flights_.emplace(flight_key, std::move(flight));
  if (redisReady()) {
    readCache(flight_key, keys_to_read);
  } else {
    worker_.dispatcher.post([this, alive = alive_, flight_key] {
      if (*alive) startDiscovery(flight_key);
    });
  }
}

void Service::readCache(const std::string& flight_key, const std::vector<std::string>& tokens) {
  std::vector<std::string> args{"MGET"};
  for (const auto& t : tokens) args.push_back(key("xref", t));
  redis_->command(args, [this, alive = alive_, flight_key](StatusOr<redis::Reply> reply) {
    if (!*alive) return;
    auto it = flights_.find(flight_key);
    if (it == flights_.end()) return;
    Flight& f = *it->second;
    if (!reply.isOk() || reply->type != redis::Reply::Type::kArray) {
      metrics_->redis_error.inc();
      startDiscovery(flight_key);
      return;
    }
    for (size_t i = 0; i < reply->elements.size() && i < f.tokens.size(); ++i) {
      const redis::Reply& e = reply->elements[i];
      if (e.type != redis::Reply::Type::kString) continue;
      auto ref = decode(e.str);
      if (!ref.isOk() || !usable(*ref, i == 0 ? f.digest : demographicsDigest(f.tokens[i], f.subject)))
        continue;
      metrics_->redis_hit.inc();
      if (i > 0) ref->demographics = f.digest;  // found under a previous key: re-stamp for the current
      auto shared = std::make_shared<const CrossRef>(std::move(ref.value()));
      if (i > 0) store(f, shared);  // ...and keep it under the current token too
      memory_.put(f.tokens.front(), shared, shared_->epoch(), Clock::now());
      finish(flight_key, Resolved{f.tokens.front(), shared, Source::kRedis});
      return;
    }
    metrics_->redis_miss.inc();
    lockOrWait(flight_key);
  });
}

void Service::lockOrWait(const std::string& flight_key) {
  Flight& f = *flights_.at(flight_key);
  if (!redisReady()) {
    startDiscovery(flight_key);
    return;
  }
  const auto lock_ms = discoveryDeadline() + kLockMargin;
  redis_->command(
      {"SET", key("xlock", f.tokens.front()), worker_.node_name, "NX", "PX", std::to_string(lock_ms.count())},
      [this, alive = alive_, flight_key, lock_ms](StatusOr<redis::Reply> reply) {
        if (!*alive) return;
        auto it = flights_.find(flight_key);
        if (it == flights_.end()) return;
        if (reply.isOk() && reply->type == redis::Reply::Type::kNil) {
          metrics_->joined_node.inc();
          it->second->lock_until = Clock::now() + lock_ms;
          it->second->poll = std::make_unique<Timer>(worker_.dispatcher.base(),
                                                     [this, flight_key] { pollValue(flight_key); });
          it->second->poll->enableOnce(kPollEvery);
          return;
        }
        if (!reply.isOk() || reply->type == redis::Reply::Type::kError) metrics_->redis_error.inc();
        it->second->holds_lock = reply.isOk() && reply->type == redis::Reply::Type::kStatus;
        startDiscovery(flight_key);
      });
}

void Service::pollValue(const std::string& flight_key) {
  auto it = flights_.find(flight_key);
  if (it == flights_.end()) return;
  if (!redisReady() || Clock::now() >= it->second->lock_until) {
    startDiscovery(flight_key);
    return;
  }
  const std::string& token = it->second->tokens.front();
  redis_->command({"MGET", key("xref", token), key("xlock", token)}, [this, alive = alive_, flight_key](
                                                                         StatusOr<redis::Reply> reply) {
    if (!*alive) return;
    auto it = flights_.find(flight_key);
    if (it == flights_.end()) return;
    Flight& f = *it->second;
    if (!reply.isOk() || reply->type != redis::Reply::Type::kArray || reply->elements.size() != 2) {
      metrics_->redis_error.inc();
      startDiscovery(flight_key);
      return;
    }
    const redis::Reply& value = reply->elements[0];
    if (value.type == redis::Reply::Type::kString) {
      auto ref = decode(value.str);
      if (ref.isOk() && usable(*ref, f.digest)) {
        auto shared = std::make_shared<const CrossRef>(std::move(ref.value()));
        memory_.put(f.tokens.front(), shared, shared_->epoch(), Clock::now());
        finish(flight_key, Resolved{f.tokens.front(), shared, Source::kRedis});
        return;
      }
    }
    if (reply->elements[1].type == redis::Reply::Type::kNil) {
      startDiscovery(flight_key);  // the holder finished without a usable entry
      return;
    }
    f.poll->enableOnce(kPollEvery);
  });
}

void Service::startDiscovery(const std::string& flight_key) {
  auto it = flights_.find(flight_key);
  if (it == flights_.end() || it->second->discovering) return;
  Flight& f = *it->second;
  f.discovering = true;
  if (f.poll) f.poll->disable();
  const auto deadline = discoveryDeadline();
  const Clock::time_point started = Clock::now();
  discover(node_, deadline, f.subject, [this, alive = alive_, flight_key, started](CrossRef ref) {
    if (!*alive) return;
    auto it = flights_.find(flight_key);
    if (it == flights_.end()) return;
    Flight& f = *it->second;
    metrics_->discovery_seconds.observe(std::chrono::duration<double>(Clock::now() - started).count());
    metrics_->conflicts.inc(ref.conflicts.size());
    if (!ref.incomplete.empty()) {
      metrics_->partial.inc();
    } else if (!ref.links.empty()) {
      metrics_->linked.inc();
    } else if (!ref.conflicts.empty()) {
      metrics_->conflict.inc();
    } else {
      metrics_->unknown.inc();
    }
    ref.demographics = f.digest;
    auto shared = std::make_shared<const CrossRef>(std::move(ref));
    // Conflicts alone are not cached: they must not replace the entry confirmed for the right
    // demographics, and they should be rare enough to ask the platforms again.
    if (!shared->links.empty() || shared->conflicts.empty()) {
      store(f, shared);
      memory_.put(f.tokens.front(), shared, shared_->epoch(), Clock::now());
    }
    if (f.holds_lock && redisReady()) redis_->command({"DEL", key("xlock", f.tokens.front())}, [](auto) {});
    finish(flight_key, Resolved{f.tokens.front(), shared, Source::kDiscovery});
  });
}

void Service::store(const Flight& flight, const std::shared_ptr<const CrossRef>& ref) {
  if (!redisReady()) return;
  const bool complete_and_known = ref->incomplete.empty() && !ref->links.empty();
  const auto ttl = complete_and_known ? settings_->cache_ttl : settings_->negative_ttl;
  redis_->command(
      {"SET", key("xref", flight.tokens.front()), encode(*ref), "PX", std::to_string(ttl.count())},
      [this, alive = alive_](StatusOr<redis::Reply> reply) {
        if (*alive && (!reply.isOk() || reply->type == redis::Reply::Type::kError)) {
          metrics_->redis_error.inc();
        }
      });
}

void Service::finish(const std::string& flight_key, const StatusOr<Resolved>& result) {
  auto it = flights_.find(flight_key);
  if (it == flights_.end()) return;
  std::unique_ptr<Flight> flight = std::move(it->second);
  flights_.erase(it);
  for (auto& waiter : flight->waiters) waiter(result);
  // The poll timer may be the caller of this function: free it on the next loop turn.
  if (flight->poll) {
    worker_.dispatcher.post([f = std::shared_ptr<Flight>(std::move(flight))] {});
  }
}

void Service::lookup(const std::string& token, ResolvedCallback done) {
  if (Status s = refresh(); !s.isOk()) {
    worker_.dispatcher.post([done = std::move(done), s]() mutable { done(std::move(s)); });
    return;
  }
  if (auto ref = memory_.get(token, shared_->epoch(), Clock::now())) {
    metrics_->memory_hit.inc();
    worker_.dispatcher.post(
        [done = std::move(done), r = Resolved{token, std::move(ref), Source::kMemory}] { done(r); });
    return;
  }
  if (!redisReady()) {
    worker_.dispatcher.post([done = std::move(done)] {
      done(Status::upstreamUnavailable(
          "the identity cache (redis) is unavailable; resolve with the identifier"));
    });
    return;
  }
  redis_->command({"GET", key("xref", token)}, [this, alive = alive_, token,
                                                done = std::move(done)](StatusOr<redis::Reply> reply) {
    if (!*alive) return;
    if (!reply.isOk()) {
      metrics_->redis_error.inc();
      done(Status::upstreamUnavailable("the identity cache (redis) did not answer: " +
                                       reply.status().message()));
      return;
    }
    auto ref = reply->type == redis::Reply::Type::kString ? decode(reply->str) : Status::notFound("");
    if (!ref.isOk()) {
      metrics_->redis_miss.inc();
      done(Status::notFound("no cross-reference is cached for this token; resolve with the identifier"));
      return;
    }
    metrics_->redis_hit.inc();
    auto shared = std::make_shared<const CrossRef>(std::move(ref.value()));
    memory_.put(token, shared, shared_->epoch(), Clock::now());
    done(Resolved{token, std::move(shared), Source::kRedis});
  });
}

void Service::invalidate(const std::vector<std::string>& tokens, const std::string& trigger,
                         std::function<void(Status)> done) {
  if (Status s = refresh(); !s.isOk()) {
    worker_.dispatcher.post([done = std::move(done), s]() mutable { done(std::move(s)); });
    return;
  }
  (trigger == "api" ? metrics_->invalidated_api : metrics_->invalidated_platform).inc();
  shared_->bumpEpoch();
  for (const auto& t : tokens) memory_.erase(t);
  if (!redisReady()) {
    worker_.dispatcher.post([done = std::move(done)] {
      done(Status::upstreamUnavailable("redis is unavailable: the cached entry could not be removed"));
    });
    return;
  }
  std::vector<std::string> args{"DEL"};
  for (const auto& t : tokens) args.push_back(key("xref", t));
  redis_->command(args, [alive = alive_, done = std::move(done)](const StatusOr<redis::Reply>& reply) {
    if (!*alive) return;
    if (!reply.isOk()) {
      done(Status::upstreamUnavailable("redis did not confirm the removal: " + reply.status().message()));
      return;
    }
    done(Status::ok());
  });
}

}  // namespace metrogw::identity::index
