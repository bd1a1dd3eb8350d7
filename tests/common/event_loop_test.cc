// Tests for Dispatcher::post across threads and Timer.
#include "common/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace metrogw {
namespace {

TEST(DispatcherTest, PostFromOtherThreadRunsOnLoopThread) {
  Dispatcher d;
  std::thread::id loop_thread;
  std::thread::id ran_on;
  std::atomic<int> ran{0};
  std::thread t([&] {
    loop_thread = std::this_thread::get_id();
    d.run();
  });
  for (int i = 0; i < 100; ++i) {
    d.post([&] {
      ran_on = std::this_thread::get_id();
      ran.fetch_add(1);
    });
  }
  d.post([&] { d.exit(); });
  t.join();
  EXPECT_EQ(ran.load(), 100);
  EXPECT_EQ(ran_on, loop_thread);
}

TEST(TimerTest, FiresOnceAndCanBeCancelled) {
  Dispatcher d;
  int fired = 0;
  int cancelled_fired = 0;
  Timer cancelled(d.base(), [&] { ++cancelled_fired; });
  cancelled.enableOnce(std::chrono::milliseconds(5));
  cancelled.disable();
  Timer t(d.base(), [&] {
    ++fired;
    d.exit();
  });
  t.enableOnce(std::chrono::milliseconds(20));
  EXPECT_TRUE(t.pending());
  d.run();
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(cancelled_fired, 0);
  EXPECT_FALSE(t.pending());
}

}  // namespace
}  // namespace metrogw
