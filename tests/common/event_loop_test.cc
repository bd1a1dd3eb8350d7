// Tests for Dispatcher::post across threads, deferred deletion and Timer.
#include "common/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

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

// Records its destruction; may defer another object from its destructor, as streams do.
class Tracked final : public DeferredDeletable {
 public:
  Tracked(std::vector<int>& log, int id, Dispatcher* chain_to = nullptr, int chained_id = 0)
      : log_(log), id_(id), chain_to_(chain_to), chained_id_(chained_id) {}
  ~Tracked() override {
    log_.push_back(id_);
    if (chain_to_ != nullptr) chain_to_->deferredDelete(std::make_unique<Tracked>(log_, chained_id_));
  }

 private:
  std::vector<int>& log_;
  int id_;
  Dispatcher* chain_to_;
  int chained_id_;
};

TEST(DispatcherTest, DeferredDeleteFreesOnTheNextLoopTurnIncludingWhatDestructorsDefer) {
  Dispatcher d;
  std::vector<int> freed;
  d.deferredDelete(std::make_unique<Tracked>(freed, 1));
  d.deferredDelete(std::make_unique<Tracked>(freed, 2, &d, 3));
  EXPECT_TRUE(freed.empty());  // nothing is freed while the caller's stack may still use it
  d.post([&] { d.exit(); });
  d.run();
  EXPECT_EQ(freed, (std::vector<int>{1, 2, 3}));
  // The lists are reused: a second round works the same.
  d.deferredDelete(std::make_unique<Tracked>(freed, 4, &d, 5));
  d.post([&] { d.exit(); });
  d.run();
  EXPECT_EQ(freed, (std::vector<int>{1, 2, 3, 4, 5}));
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
