// Asynchronous Redis client (hiredis 0.14 on a worker's libevent loop): one Client per worker.
//
// Threading: a Client belongs to one Dispatcher; every member, the constructor and the destructor
// run on that dispatcher's thread, and every callback runs there too.
//
// Contract of command()/eval(): the callback runs exactly once and never inside the call that
// issued it. It receives a Reply (an error reply from Redis is a Reply of Type::kError, not a
// failed Status) or one of
//   upstreamUnavailable  not kReady, connection lost, stop() or destruction with the command pending;
//   upstreamTimeout      Options::command_timeout passed (a late reply is then dropped);
//   resourceExhausted    Options::max_pending commands already in flight;
//   invalidArgument      empty command, or one that would break the request/reply pairing
//                        (SUBSCRIBE family, MONITOR, SYNC/PSYNC, CLIENT REPLY).
// Callers degrade rather than queue: nothing is buffered while the server is away. An empty
// callback makes the command fire-and-forget.
//
// Re-entrancy: callbacks may issue commands, call stop(), or destroy the Client.
//
// The process must ignore SIGPIPE (app/node.cc does): hiredis 0.14 writes with write(2), and a
// write to a connection Redis has just closed would otherwise kill it.
//
// Life cycle: start() connects (non-blocking, connect_timeout) → AUTH (when a password is set) →
// SELECT (when db != 0) → PING → kReady. On any failure the state is kDown and the client retries
// with exponential backoff and jitter (reconnect_min doubling up to reconnect_max) until stop().
// kConnecting is only the first attempt after start(); retries happen in kDown, so a long outage
// is one kDown, not a flapping state. After timeouts_before_reconnect consecutive command timeouts
// the server is considered stuck: the connection is dropped and re-established.
//
// Metrics (when a Registry is given, cells on `shard`): metrogw_redis_connected (gauge, 1 on a
// ready worker), metrogw_redis_commands_total{result="ok|error|timeout|unavailable"} (a kError
// reply counts as error; not-ready, lost, rejected-by-limit and unsupported commands as
// unavailable), metrogw_redis_reconnects_total (connection attempts after the first),
// metrogw_redis_command_seconds (command → reply, replies only).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/event_loop.h"
#include "common/status.h"

namespace metrogw::observability {
class Registry;
}  // namespace metrogw::observability

namespace metrogw::redis {

namespace internal {
class ClientImpl;
}  // namespace internal

struct Options {
  std::string host = "127.0.0.1";  // an address: hiredis resolves names with blocking getaddrinfo
  uint16_t port = 6379;
  // Sentinel mode when non-empty: before every connect the primary of `sentinel_master` is asked of
  // these sentinels in turn (host/port above are then unused), and a server that is not the primary
  // (ROLE) is refused, so a failover is followed at the next reconnect.
  std::vector<std::pair<std::string, uint16_t>> sentinels;
  std::string sentinel_master;
  std::string password;  // already read from its file by the caller; empty = no AUTH
  uint32_t db = 0;
  std::chrono::milliseconds connect_timeout{1000};  // TCP connect + AUTH/SELECT/PING
  std::chrono::milliseconds command_timeout{250};
  std::chrono::milliseconds reconnect_min{100};  // exponential backoff + jitter
  std::chrono::milliseconds reconnect_max{5000};
  uint32_t max_pending = 10000;            // commands in flight; beyond: fail fast (resourceExhausted)
  uint32_t timeouts_before_reconnect = 3;  // consecutive command timeouts → drop and reconnect; 0: never
};

enum class State { kConnecting, kReady, kDown };  // kDown: not connected, waiting to retry

[[nodiscard]] const char* stateName(State state);

// The first line of a password file (trailing CR and spaces cut); "" for an empty path. The error
// names the file, never its content.
[[nodiscard]] StatusOr<std::string> readPasswordFile(const std::string& path);

struct Reply {
  enum class Type { kString, kStatus, kInteger, kNil, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // kString (binary-safe), kStatus, kError
  long long integer = 0;
  std::vector<Reply> elements;  // kArray
};

using ReplyCallback = std::function<void(StatusOr<Reply>)>;
using StateCallback = std::function<void(State)>;

// A Lua script and its SHA-1 (lower-case hex, as EVALSHA wants it). Cheap to copy.
class Script {
 public:
  explicit Script(std::string lua);
  [[nodiscard]] const std::string& sha1() const;
  [[nodiscard]] const std::string& text() const;

 private:
  struct Body;
  std::shared_ptr<const Body> body_;
};

class Client {
 public:
  // `metrics` may be null (no metrics); `shard` is the worker index. `on_state` runs on the loop
  // thread after each state change (the change is also logged once at warn level).
  Client(Dispatcher& dispatcher, Options options, observability::Registry* metrics = nullptr,
         uint32_t shard = 0, StateCallback on_state = {});
  // Fails pending callbacks (upstreamUnavailable) and frees the connection safely, also when
  // called from inside one of this client's callbacks.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void start();  // idempotent; also restarts after stop()

  // An empty `cb` means fire-and-forget: the reply (or error) is dropped.
  // Binary-safe: each argument is sent as is (redisAsyncCommandArgv); hiredis copies them, so the
  // vector may go away when the call returns.
  void command(const std::vector<std::string>& args, ReplyCallback cb);

  // EVALSHA, falling back to EVAL (which also loads the script) on a NOSCRIPT reply.
  void eval(const Script& script, const std::vector<std::string>& keys, const std::vector<std::string>& args,
            ReplyCallback cb);

  [[nodiscard]] State state() const;

  // Graceful: no more reconnects; pending callbacks fail (upstreamUnavailable) before it returns.
  void stop();

 private:
  Dispatcher& dispatcher_;
  std::unique_ptr<internal::ClientImpl> impl_;
};

}  // namespace metrogw::redis
