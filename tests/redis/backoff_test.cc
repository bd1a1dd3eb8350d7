// Reconnect backoff: doubling from min, capped at max, jittered within [d/2, d], reset.
#include "redis/internal/backoff.h"

#include <gtest/gtest.h>

namespace metrogw::redis::internal {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesFromMinUpToMaxWithEqualJitter) {
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Backoff b(milliseconds(100), milliseconds(5000), seed);
    int64_t ceiling = 100;
    for (int attempt = 0; attempt < 12; ++attempt) {
      const int64_t d = b.next().count();
      EXPECT_GE(d, ceiling / 2) << "attempt " << attempt;
      EXPECT_LE(d, ceiling) << "attempt " << attempt;
      ceiling = std::min<int64_t>(ceiling * 2, 5000);
    }
  }
}

TEST(BackoffTest, JitterSpreadsWorkers) {
  Backoff a(milliseconds(1000), milliseconds(1000), 1);
  Backoff b(milliseconds(1000), milliseconds(1000), 2);
  int differ = 0;
  for (int i = 0; i < 20; ++i) differ += a.next() != b.next() ? 1 : 0;
  EXPECT_GT(differ, 10);
}

TEST(BackoffTest, ResetStartsAgainFromMin) {
  Backoff b(milliseconds(10), milliseconds(10000), 7);
  for (int i = 0; i < 8; ++i) (void)b.next();
  EXPECT_GT(b.next().count(), 640);
  b.reset();
  EXPECT_LE(b.next().count(), 10);
}

TEST(BackoffTest, DegenerateBoundsStayPositive) {
  Backoff zero(milliseconds(0), milliseconds(0), 3);
  EXPECT_GE(zero.next().count(), 1);
  Backoff inverted(milliseconds(50), milliseconds(10), 3);  // max below min: min wins
  const int64_t d = inverted.next().count();
  EXPECT_GE(d, 25);
  EXPECT_LE(d, 50);
}

}  // namespace
}  // namespace metrogw::redis::internal
