#include "sharing/internal/node.h"
#include "redis/config.h"

#include <chrono>
#include <fstream>

namespace metrogw::sharing::internal {
namespace {}  // namespace

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Node::Node(gateway::WorkerContext& worker, std::shared_ptr<identity::index::SharedState> identity_state)
    : worker_(worker), federation_(worker), identity_(worker, std::move(identity_state)) {
  (void)ready();  // connect Redis now, not at the first request
}

Node::~Node() {
  ledger_.reset();
  redis_.reset();
}

Status Node::connectRedis(const config::Redis& redis) {
  ASSIGN_OR_RETURN(redis::Options o, redis::optionsFromConfig(redis));
  ledger_.reset();
  redis_ = std::make_unique<redis::Client>(worker_.dispatcher, std::move(o), worker_.metrics,
                                           worker_.worker_index);
  redis_->start();
  return Status::ok();
}

Status Node::ready() {
  config::ConfigPtr now = worker_.config();
  if (now == config_ && ledger_ && audit_) return Status::ok();
  if (!now || !now->federation || !now->consent || !now->audit || !now->redis)
    return Status::invalidArgument(
        "consent-governed sharing needs the federation, consent, audit and redis sections");
  ASSIGN_OR_RETURN(policy::Settings settings, policy::settingsFrom(*now->consent));
  audit::LogOptions options;
  options.metrics = worker_.metrics;
  options.redis = &*now->redis;  // audit.ship: copy records to <prefix>audit:events (read during open only)
  ASSIGN_OR_RETURN(audit_, audit::Log::instance(*now->audit, worker_.node_name, options));
  const bool same_redis =
      config_ && config_->redis && redis_ && config_->redis->address.host == now->redis->address.host &&
      config_->redis->address.port == now->redis->address.port && config_->redis->db == now->redis->db &&
      config_->redis->password_file == now->redis->password_file;
  if (!same_redis) RETURN_IF_ERROR(connectRedis(*now->redis));
  city_ = now->federation->city;
  ledger_ = std::make_unique<consent::Ledger>(*redis_, now->redis->key_prefix, city_);
  ledger_->setDurability(redis::durabilityFrom(*now->redis));
  settings_.emplace(std::move(settings));
  if (!metrics_) {
    if (worker_.metrics == nullptr) fallback_metrics_ = std::make_unique<observability::Registry>(1);
    observability::Registry& registry = worker_.metrics != nullptr ? *worker_.metrics : *fallback_metrics_;
    metrics_ =
        std::make_unique<policy::Metrics>(registry, worker_.metrics != nullptr ? worker_.worker_index : 0);
    ledger_reads_ = registry.addCounter(
        "metrogw_sharing_ledger_reads_total",
        "Reads of other cities' consent ledgers by the owning node, by city and result (ok, timeout, "
        "unavailable, refused, malformed, no-peer, error); anything but ok denies more (fail safe).",
        {"city", "result"});
  }
  config_ = std::move(now);
  return Status::ok();
}

void Node::countLedgerRead(const std::string& city, std::string_view result) {
  auto& cell = ledger_read_cells_[{city, std::string(result)}];
  if (cell == nullptr) {
    observability::Registry& registry = worker_.metrics != nullptr ? *worker_.metrics : *fallback_metrics_;
    cell = &registry.counter(ledger_reads_, worker_.metrics != nullptr ? worker_.worker_index : 0,
                             {city, std::string(result)});
  }
  cell->inc();
}

}  // namespace metrogw::sharing::internal
