// The sharing module's state on one worker: the configuration in force, a Redis client for the
// consent ledger, the identity service (cross-references of person tokens), the federation
// context (platform and peers), the process-wide audit log, policy settings and metrics.
//
// The audit log is audit::Log::instance() for the `audit:` directory, shipping to the Redis Stream
// "<redis.key_prefix>audit:events" when audit.ship is true. A reload that changes audit.directory
// opens the log of the new directory; every other audit setting (hash, fsync, rotation, retention,
// shipping) stays as the process opened it until a restart (audit::Log::instance logs a warning).
//
// Threading: one Node per worker, used only on that worker's loop; handlers of the worker share
// it (shared_ptr). refresh() follows configuration reloads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "audit/audit.h"
#include "consent/ledger.h"
#include "federation/node_context.h"
#include "identity/index/service.h"
#include "policy/metrics.h"
#include "policy/settings.h"
#include "redis/client.h"

namespace metrogw::sharing::internal {

class Node {
 public:
  Node(gateway::WorkerContext& worker, std::shared_ptr<identity::index::SharedState> identity_state);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Follows the configuration in force. Errors (nothing here works): no federation, consent,
  // audit or redis section, bad consent settings, or the audit log cannot be opened.
  [[nodiscard]] Status ready();

  [[nodiscard]] const std::string& city() const { return city_; }
  [[nodiscard]] const std::string& nodeName() const { return worker_.node_name; }
  [[nodiscard]] federation::NodeContext& federation() { return federation_; }
  [[nodiscard]] consent::Ledger& ledger() { return *ledger_; }
  [[nodiscard]] identity::index::Service& identity() { return identity_; }
  [[nodiscard]] audit::Log& auditLog() { return *audit_; }
  [[nodiscard]] const policy::Settings& settings() const { return *settings_; }
  [[nodiscard]] policy::Metrics& metrics() { return *metrics_; }
  [[nodiscard]] const config::Config& config() const { return *config_; }
  [[nodiscard]] gateway::WorkerContext& worker() { return worker_; }

  // Counts one read of another city's consent ledger:
  // metrogw_sharing_ledger_reads_total{city,
  // result="ok|timeout|unavailable|refused|malformed|no-peer|error"}.
  void countLedgerRead(const std::string& city, std::string_view result);

 private:
  [[nodiscard]] Status connectRedis(const config::Redis& redis);

  gateway::WorkerContext worker_;
  federation::NodeContext federation_;
  identity::index::Service identity_;
  config::ConfigPtr config_;
  std::string city_;
  std::optional<policy::Settings> settings_;
  std::shared_ptr<audit::Log> audit_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<consent::Ledger> ledger_;
  std::unique_ptr<observability::Registry> fallback_metrics_;  // when the worker has no registry
  std::unique_ptr<policy::Metrics> metrics_;
  observability::FamilyId ledger_reads_{};
  std::map<std::pair<std::string, std::string>, observability::CounterCell*>
      ledger_read_cells_;  // this worker's
};

// Milliseconds since the Unix epoch, now.
[[nodiscard]] int64_t nowMs();

}  // namespace metrogw::sharing::internal
