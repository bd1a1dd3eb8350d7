// The optional in-process cache in front of Redis: per worker (no locks), LRU-bounded, short TTL.
// Invalidation reaches every worker through a node-wide epoch: an entry stored under an older epoch
// is stale.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "identity/index/xref.h"

namespace metrogw::identity::index {

class MemoryCache {
 public:
  using Clock = std::chrono::steady_clock;

  MemoryCache(size_t max_entries, std::chrono::milliseconds ttl) : max_entries_(max_entries), ttl_(ttl) {}

  [[nodiscard]] bool enabled() const { return ttl_.count() > 0 && max_entries_ > 0; }
  // The entry for `token` if present, fresh and stored under `epoch`.
  [[nodiscard]] std::shared_ptr<const CrossRef> get(const std::string& token, uint64_t epoch,
                                                    Clock::time_point now);
  void put(const std::string& token, std::shared_ptr<const CrossRef> ref, uint64_t epoch,
           Clock::time_point now);
  void erase(const std::string& token);
  [[nodiscard]] size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::string token;
    std::shared_ptr<const CrossRef> ref;
    uint64_t epoch;
    Clock::time_point expires;
  };
  size_t max_entries_;
  std::chrono::milliseconds ttl_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace metrogw::identity::index
