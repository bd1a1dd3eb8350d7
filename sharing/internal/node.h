// The sharing module's state on one worker: the configuration in force, a Redis client for the
// consent ledger, the identity service (cross-references of person tokens), the federation
// context (platform and peers), the process-wide audit log, policy settings and metrics.
//
// Threading: one Node per worker, used only on that worker's loop; handlers of the worker share
// it (shared_ptr). refresh() follows configuration reloads.
#pragma once

#include <memory>
#include <optional>
#include <string>

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
};

// Milliseconds since the Unix epoch, now.
[[nodiscard]] int64_t nowMs();

}  // namespace metrogw::sharing::internal
