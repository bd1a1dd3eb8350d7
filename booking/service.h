// The pool service of one worker: its Redis connection (redis::Client), the Pool over it, slot
// sync (periodic on worker 0, on demand on any), federation routing (NodeContext) and metrics.
// Built from the configuration in force; rebuilt when a reload changes the redis or booking
// section. Everything runs on the worker's thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "booking/metrics.h"
#include "booking/pool.h"
#include "booking/sync.h"
#include "common/event_loop.h"
#include "federation/node_context.h"
#include "gateway/handler.h"

namespace metrogw::booking {

class Service {
 public:
  explicit Service(gateway::WorkerContext& worker);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // OK when this node has booking, redis and federation sections (the pool is then usable).
  [[nodiscard]] Status ready();
  // ready(), answering 501 not-implemented through `respond` when it is not: false then.
  [[nodiscard]] bool readyOrAnswer(const gateway::Respond& respond, std::string_view request_id);
  [[nodiscard]] Pool& pool() { return *pool_; }
  [[nodiscard]] federation::NodeContext& node() { return node_; }
  [[nodiscard]] const config::Config& config() const { return *config_; }
  [[nodiscard]] const config::Booking& settings() const { return *config_->booking; }
  [[nodiscard]] const std::string& city() const { return city_; }
  [[nodiscard]] Metrics& metrics() { return *metrics_; }
  [[nodiscard]] gateway::WorkerContext& worker() { return worker_; }

  // A sync run now (on-demand); periodic runs are scheduled by worker 0.
  void sync(SyncCallback done);

 private:
  Status refresh();
  void schedule(std::chrono::milliseconds after);
  void periodicSync();
  void refreshGauge();

  gateway::WorkerContext worker_;
  federation::NodeContext node_;
  config::ConfigPtr config_;
  std::string city_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<Syncer> syncer_;
  std::unique_ptr<observability::Registry> fallback_metrics_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Timer> timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace metrogw::booking
