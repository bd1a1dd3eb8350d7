#include "federation/fanout.h"

#include <gtest/gtest.h>

#include <map>

#include "common/event_loop.h"

namespace metrogw::federation {
namespace {

model::EnvelopeT slots(std::initializer_list<std::pair<const char*, const char*>> items) {
  model::SearchResultT r;
  for (const auto& [id, start] : items) {
    auto s = std::make_unique<model::SlotT>();
    s->id = id;
    s->start = start;
    r.slots.push_back(std::move(s));
  }
  r.total = static_cast<int32_t>(items.size());
  return model::envelopeOf(std::move(r));
}

TEST(MergeTest, AnswersAndFailuresMerge) {
  model::SearchResultT merged;
  mergeAnswer("3201", slots({{"b", "2026-11-24T09:00:00+08:00"}, {"a", "2026-11-24T08:00:00+08:00"}}),
              merged);
  mergeAnswer("3402", slots({{"c", "2026-11-24T08:30:00+08:00"}}), merged);
  mergeAnswer("3405", Status::upstreamTimeout("late"), merged);
  model::ProblemT p;
  p.title = "Caller not allowed";
  mergeAnswer("3211", model::envelopeOf(std::move(p)), merged);
  mergeAnswer("3204", model::envelopeOf(model::PatientT{}), merged);
  sortMerged(merged);
  ASSERT_EQ(merged.slots.size(), 3u);
  EXPECT_EQ(merged.slots[0]->id, "a");
  EXPECT_EQ(merged.slots[1]->id, "c");
  EXPECT_EQ(merged.slots[2]->id, "b");
  EXPECT_EQ(merged.total, 3);
  ASSERT_EQ(merged.incomplete.size(), 3u);
  EXPECT_EQ(merged.incomplete[0]->city, "3204");
  EXPECT_EQ(merged.incomplete[0]->reason, "malformed");
  EXPECT_EQ(merged.incomplete[1]->city, "3211");
  EXPECT_EQ(merged.incomplete[1]->reason, "refused");
  EXPECT_EQ(merged.incomplete[2]->city, "3405");
  EXPECT_EQ(merged.incomplete[2]->reason, "timeout");
}

// Drives a real event loop: two cities answer, one never does; the deadline closes the fan-out.
TEST(FanOutTest, DeadlineListsLateCities) {
  Dispatcher dispatcher;
  std::map<std::string, EnvelopeCallback> pending;
  bool done = false;
  model::SearchResultT result;
  const auto started = std::chrono::steady_clock::now();
  fanOut(
      dispatcher, {"3201", "3402", "3405"}, std::chrono::milliseconds(100),
      [&](const std::string& city, EnvelopeCallback cb) { pending[city] = std::move(cb); },
      [&](model::SearchResultT merged) {
        done = true;
        result = std::move(merged);
        dispatcher.exit();
      });
  dispatcher.post([&] {
    pending["3201"](slots({{"n1", "2026-11-24T08:00:00+08:00"}}));
    pending["3402"](Status::upstreamUnavailable("refused"));
  });
  dispatcher.run();
  ASSERT_TRUE(done);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));
  ASSERT_EQ(result.slots.size(), 1u);
  ASSERT_EQ(result.incomplete.size(), 2u);
  EXPECT_EQ(result.incomplete[0]->city, "3402");
  EXPECT_EQ(result.incomplete[0]->reason, "unavailable");
  EXPECT_EQ(result.incomplete[1]->city, "3405");
  EXPECT_EQ(result.incomplete[1]->reason, "timeout");
  // A late answer after the deadline is ignored, not merged or crashed on.
  pending["3405"](slots({{"late", "2026-11-24T08:00:00+08:00"}}));
}

TEST(FanOutTest, FinishesAsSoonAsEveryCityAnswered) {
  Dispatcher dispatcher;
  int calls = 0;
  model::SearchResultT result;
  fanOut(
      dispatcher, {"3201", "3402"}, std::chrono::seconds(30),
      [&](const std::string& city, EnvelopeCallback cb) {
        ++calls;
        dispatcher.post([cb = std::move(cb), city] {
          cb(slots({{city.c_str(), "2026-11-24T08:00:00+08:00"}}));
        });
      },
      [&](model::SearchResultT merged) {
        result = std::move(merged);
        dispatcher.exit();
      });
  const auto started = std::chrono::steady_clock::now();
  dispatcher.run();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(result.slots.size(), 2u);
  EXPECT_TRUE(result.incomplete.empty());
}

}  // namespace
}  // namespace metrogw::federation
