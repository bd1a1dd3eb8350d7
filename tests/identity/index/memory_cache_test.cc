// Tests for the per-worker in-process cache: enabled only with a TTL and a size, expiry by the time
// points passed in, staleness by epoch, LRU eviction and erase.
#include "identity/index/memory_cache.h"

#include <gtest/gtest.h>

namespace metrogw::identity::index {
namespace {

using std::chrono::milliseconds;
using Clock = MemoryCache::Clock;

const Clock::time_point kT0 = Clock::time_point(std::chrono::hours(1000));

std::shared_ptr<const CrossRef> refFor(const std::string& patient_id) {
  auto ref = std::make_shared<CrossRef>();
  auto link = std::make_unique<xref::LinkT>();
  link->city = "3201";
  link->patient_id = patient_id;
  ref->links.push_back(std::move(link));
  return ref;
}

std::string patientOf(const std::shared_ptr<const CrossRef>& ref) {
  return ref && !ref->links.empty() ? ref->links[0]->patient_id : "<none>";
}

TEST(MemoryCacheTest, DisabledWithoutTtlOrEntries) {
  MemoryCache no_ttl(100, milliseconds(0));
  EXPECT_FALSE(no_ttl.enabled());
  no_ttl.put("a", refFor("1"), 0, kT0);
  EXPECT_EQ(no_ttl.size(), 0U);
  EXPECT_EQ(no_ttl.get("a", 0, kT0), nullptr);

  MemoryCache no_entries(0, milliseconds(5'000));
  EXPECT_FALSE(no_entries.enabled());
  no_entries.put("a", refFor("1"), 0, kT0);
  EXPECT_EQ(no_entries.size(), 0U);
  EXPECT_EQ(no_entries.get("a", 0, kT0), nullptr);

  EXPECT_TRUE(MemoryCache(1, milliseconds(1)).enabled());
}

TEST(MemoryCacheTest, HitReturnsTheStoredEntry) {
  MemoryCache cache(10, milliseconds(5'000));
  const auto ref = refFor("NJ-1");
  cache.put("tok-a", ref, 3, kT0);
  EXPECT_EQ(cache.size(), 1U);
  const auto got = cache.get("tok-a", 3, kT0 + milliseconds(1));
  EXPECT_EQ(got, ref);  // the same shared object, not a copy
  EXPECT_EQ(patientOf(got), "NJ-1");
  EXPECT_EQ(cache.get("tok-b", 3, kT0), nullptr);
}

TEST(MemoryCacheTest, PutReplacesAnEntry) {
  MemoryCache cache(10, milliseconds(5'000));
  cache.put("tok-a", refFor("old"), 0, kT0);
  cache.put("tok-a", refFor("new"), 0, kT0 + milliseconds(10));
  EXPECT_EQ(cache.size(), 1U);
  EXPECT_EQ(patientOf(cache.get("tok-a", 0, kT0 + milliseconds(20))), "new");
}

TEST(MemoryCacheTest, EntryExpiresAfterTheTtl) {
  MemoryCache cache(10, milliseconds(5'000));
  cache.put("tok-a", refFor("NJ-1"), 0, kT0);
  EXPECT_NE(cache.get("tok-a", 0, kT0 + milliseconds(4'999)), nullptr);
  EXPECT_EQ(cache.get("tok-a", 0, kT0 + milliseconds(5'000)), nullptr);
  EXPECT_EQ(cache.size(), 0U) << "an expired entry is dropped when found";
  EXPECT_EQ(cache.get("tok-a", 0, kT0), nullptr) << "and does not come back for an earlier time";
}

TEST(MemoryCacheTest, AHitDoesNotExtendTheTtl) {
  MemoryCache cache(10, milliseconds(1'000));
  cache.put("tok-a", refFor("NJ-1"), 0, kT0);
  EXPECT_NE(cache.get("tok-a", 0, kT0 + milliseconds(900)), nullptr);
  EXPECT_EQ(cache.get("tok-a", 0, kT0 + milliseconds(1'100)), nullptr);
}

TEST(MemoryCacheTest, EntriesOfAnotherEpochAreStale) {
  MemoryCache cache(10, milliseconds(5'000));
  cache.put("tok-a", refFor("NJ-1"), 1, kT0);
  cache.put("tok-b", refFor("NJ-2"), 1, kT0);
  EXPECT_NE(cache.get("tok-a", 1, kT0), nullptr);
  EXPECT_EQ(cache.get("tok-a", 2, kT0), nullptr);  // invalidation bumped the node's epoch
  EXPECT_EQ(cache.size(), 1U);
  EXPECT_EQ(cache.get("tok-a", 1, kT0), nullptr) << "the stale entry was dropped";
  EXPECT_NE(cache.get("tok-b", 1, kT0), nullptr);

  cache.put("tok-a", refFor("NJ-3"), 2, kT0);  // stored again under the new epoch
  EXPECT_EQ(patientOf(cache.get("tok-a", 2, kT0)), "NJ-3");
}

TEST(MemoryCacheTest, EvictsTheLeastRecentlyUsed) {
  MemoryCache cache(3, milliseconds(60'000));
  cache.put("a", refFor("A"), 0, kT0);
  cache.put("b", refFor("B"), 0, kT0);
  cache.put("c", refFor("C"), 0, kT0);
  EXPECT_EQ(cache.size(), 3U);

  ASSERT_NE(cache.get("a", 0, kT0), nullptr);  // a is now the most recently used: b is the oldest
  cache.put("d", refFor("D"), 0, kT0);
  EXPECT_EQ(cache.size(), 3U);
  EXPECT_EQ(cache.get("b", 0, kT0), nullptr);
  EXPECT_EQ(patientOf(cache.get("c", 0, kT0)), "C");  // order now: c, a, d (most recent first)
  EXPECT_EQ(patientOf(cache.get("a", 0, kT0)), "A");  // a, c, d
  EXPECT_EQ(patientOf(cache.get("d", 0, kT0)), "D");  // d, a, c

  cache.put("e", refFor("E"), 0, kT0);  // evicts c
  EXPECT_EQ(cache.get("c", 0, kT0), nullptr);
  cache.put("a", refFor("A2"), 0, kT0);  // re-putting refreshes a: order a, e, d
  cache.put("f", refFor("F"), 0, kT0);   // evicts d
  EXPECT_EQ(cache.get("d", 0, kT0), nullptr);
  EXPECT_EQ(patientOf(cache.get("a", 0, kT0)), "A2");
  EXPECT_EQ(patientOf(cache.get("e", 0, kT0)), "E");
  EXPECT_EQ(patientOf(cache.get("f", 0, kT0)), "F");
  EXPECT_EQ(cache.size(), 3U);
}

TEST(MemoryCacheTest, SingleEntryCache) {
  MemoryCache cache(1, milliseconds(60'000));
  cache.put("a", refFor("A"), 0, kT0);
  cache.put("b", refFor("B"), 0, kT0);
  EXPECT_EQ(cache.size(), 1U);
  EXPECT_EQ(cache.get("a", 0, kT0), nullptr);
  EXPECT_EQ(patientOf(cache.get("b", 0, kT0)), "B");
}

TEST(MemoryCacheTest, EraseDropsOneEntry) {
  MemoryCache cache(10, milliseconds(60'000));
  cache.put("a", refFor("A"), 0, kT0);
  cache.put("b", refFor("B"), 0, kT0);
  cache.erase("a");
  EXPECT_EQ(cache.size(), 1U);
  EXPECT_EQ(cache.get("a", 0, kT0), nullptr);
  EXPECT_NE(cache.get("b", 0, kT0), nullptr);
  cache.erase("a");        // absent: nothing happens
  cache.erase("unknown");  // likewise
  EXPECT_EQ(cache.size(), 1U);
  // Erase keeps the LRU list consistent: filling the cache afterwards evicts in order.
  for (int i = 0; i < 12; ++i) cache.put("k" + std::to_string(i), refFor(std::to_string(i)), 0, kT0);
  EXPECT_EQ(cache.size(), 10U);
  EXPECT_EQ(cache.get("b", 0, kT0), nullptr);
  EXPECT_EQ(cache.get("k1", 0, kT0), nullptr);
  EXPECT_EQ(patientOf(cache.get("k2", 0, kT0)), "2");
  EXPECT_EQ(patientOf(cache.get("k11", 0, kT0)), "11");
}

TEST(MemoryCacheTest, EntryOutlivesItsEvictionWhileHeld) {
  MemoryCache cache(1, milliseconds(60'000));
  cache.put("a", refFor("A"), 0, kT0);
  const auto held = cache.get("a", 0, kT0);
  cache.put("b", refFor("B"), 0, kT0);  // evicts a
  EXPECT_EQ(patientOf(held), "A");
}

}  // namespace
}  // namespace metrogw::identity::index
