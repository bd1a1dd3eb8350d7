// Slot sync: the platform stays the source of what is offered. One run asks this city's platform
// (federation::NodeContext::askPlatform) for its organisations (tertiary grade → reserved share)
// and, page by page, its slots for the next `sync_days` days; each page is upserted into the pool
// (booked counts kept), then slots of the window the run did not see become withdrawn unless the
// pool booked them (Pool::finishSync).
//
// One run at a time per pool: a Redis lock "P pool:synclock" (SET NX PX, released at the end, lapses
// after kLockTtl if a node dies mid-run). A run that finds the lock held is reported as skipped.
// Runs on the worker's loop; `done` is called exactly once, never after the Syncer is destroyed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "booking/pool.h"
#include "federation/node_context.h"

namespace metrogw::booking {

struct SyncReport {
  bool skipped = false;  // another run held the lock
  size_t slots = 0;      // platform slots upserted
  long long added = 0;   // new in the pool
  long long withdrawn = 0;
  size_t rejected = 0;  // platform slots the pool could not take (no id, time or organisation)
};
using SyncCallback = std::function<void(StatusOr<SyncReport>)>;

class Syncer {
 public:
  static constexpr std::chrono::milliseconds kLockTtl{120'000};
  static constexpr uint16_t kPageSize = 500;
  static constexpr int kMaxPages = 200;

  Syncer(Pool& pool, redis::Client& redis, federation::NodeContext& node, std::string owner);
  ~Syncer();
  Syncer(const Syncer&) = delete;
  Syncer& operator=(const Syncer&) = delete;

  void run(uint32_t days, SyncCallback done);

 private:
  struct Run;
  void askOrganizations(const std::shared_ptr<Run>& run);
  void askPage(const std::shared_ptr<Run>& run);
  void onPage(const std::shared_ptr<Run>& run, StatusOr<model::EnvelopeT> answer);
  void finish(const std::shared_ptr<Run>& run, StatusOr<SyncReport> result);

  Pool& pool_;
  redis::Client& redis_;
  federation::NodeContext& node_;
  std::string owner_;  // lock value: node and worker
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace metrogw::booking
