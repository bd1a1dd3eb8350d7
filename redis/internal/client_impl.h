// The Client's state machine and command path (see redis/client.h for the contract).
//
// Split: client_impl.cc holds the life cycle (connect, handshake, down, backoff, stop, destroy);
// client_commands.cc the command path (send, reply hook, timeout sweep, fail-fast queue, eval).
//
// Re-entrancy discipline: user callbacks run only (a) in the reply hook, after all bookkeeping for
// that reply is done and without touching the client afterwards, (b) from a Deliveries at the very
// end of an entry point, or (c) from the fail-fast drain after the queue was swapped out. So any
// of them may destroy the client.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/event_loop.h"
#include "common/status.h"
#include "redis/client.h"
#include "redis/internal/backoff.h"
#include "redis/internal/connection.h"
#include "redis/internal/deliveries.h"
#include "redis/internal/request.h"
#include "redis/internal/stats.h"

namespace metrogw::redis::internal {

class ClientImpl : public ConnectionEvents {
 public:
  ClientImpl(Dispatcher& dispatcher, Options options, observability::Registry* metrics, uint32_t shard,
             StateCallback on_state);
  ~ClientImpl() override;
  ClientImpl(const ClientImpl&) = delete;
  ClientImpl& operator=(const ClientImpl&) = delete;

  void start();
  void stop();
  [[nodiscard]] State state() const { return state_; }

  // Takes the arguments by reference: hiredis copies them into its output buffer.
  void command(const std::vector<std::string>& args, ReplyCallback cb);
  void eval(const Script& script, const std::vector<std::string>& keys, const std::vector<std::string>& args,
            ReplyCallback cb);

 private:
  enum ControlTag { kAuth = 1, kSelect, kPing, kRole, kSentinel };

  // ConnectionEvents
  void onConnected() override;
  void onControlReply(int tag, Reply reply) override;
  void onConnectionLost(std::string reason) override;

  // Life cycle (client_impl.cc).
  void connect(Deliveries& out);
  void onConnectTimeout();
  void onReconnectTimer();
  void handshakeFailed(int tag, const std::string& message, Deliveries& out);
  void enterReady(Deliveries& out);
  void dropConnection(const std::string& reason, Deliveries& out);
  void enterDown(const std::string& reason, Deliveries& out);
  void setState(State s, const std::string& reason, Deliveries& out);
  // Sentinel mode (options_.sentinels): ask the next sentinel for the primary, and its outcome.
  [[nodiscard]] bool sentinelMode() const { return !options_.sentinels.empty(); }
  void askSentinel(Deliveries& out);
  void onSentinelReply(const Reply& reply, Deliveries& out);
  void sentinelFailed(const std::string& reason, Deliveries& out);

  // Command path (client_commands.cc).
  static void onReply(redisAsyncContext* ac, void* reply, void* privdata);
  void failLater(ReplyCallback cb, Status status);
  void drainFailures();
  void armSweep(std::chrono::steady_clock::time_point now);
  void onSweep();
  void failAllPending(const Status& status, Deliveries& out);
  void countUnavailable(uint64_t n);

  Dispatcher& dispatcher_;
  const Options options_;
  std::string endpoint_;  // "host:port" of the server (the primary in sentinel mode), for logs and messages
  std::string host_;      // where connect() goes: options_.host, or the primary a sentinel named
  uint16_t port_;
  bool resolving_ = false;        // conn_ is a sentinel connection
  size_t sentinel_next_ = 0;      // the sentinel to ask next (round robin)
  size_t sentinel_failures_ = 0;  // sentinels that failed in this round
  StateCallback on_state_;
  std::unique_ptr<Stats> stats_;

  State state_ = State::kDown;
  bool started_ = false;
  bool destroying_ = false;
  bool auth_failure_logged_ = false;  // one error line per down period
  std::unique_ptr<Connection> conn_;
  Backoff backoff_;

  RequestQueue pending_;
  uint32_t consecutive_timeouts_ = 0;
  std::vector<std::pair<ReplyCallback, Status>> failures_;  // fail-fast, delivered next loop turn

  Timer connect_timer_;
  Timer reconnect_timer_;
  Timer sweep_timer_;
  Timer failure_timer_;
};

}  // namespace metrogw::redis::internal
