#include "identity/index/memory_cache.h"

namespace metrogw::identity::index {

std::shared_ptr<const CrossRef> MemoryCache::get(const std::string& token, uint64_t epoch,
                                                 Clock::time_point now) {
  const auto it = index_.find(token);
  if (it == index_.end()) return nullptr;
  if (it->second->epoch != epoch || it->second->expires <= now) {
    lru_.erase(it->second);
    index_.erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->ref;
}

void MemoryCache::put(const std::string& token, std::shared_ptr<const CrossRef> ref, uint64_t epoch,
                      Clock::time_point now) {
  if (!enabled()) return;
  erase(token);
  lru_.push_front(Entry{token, std::move(ref), epoch, now + ttl_});
  index_[token] = lru_.begin();
  while (index_.size() > max_entries_) {
    index_.erase(lru_.back().token);
    lru_.pop_back();
  }
}

void MemoryCache::erase(const std::string& token) {
  const auto it = index_.find(token);
  if (it == index_.end()) return;
  lru_.erase(it->second);
  index_.erase(it);
}

}  // namespace metrogw::identity::index
