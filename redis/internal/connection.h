// One hiredis async context on a Dispatcher's event_base, and the rules for freeing it.
//
// Ownership: a Connection owns its context until hiredis frees it on its own (connect failure,
// EOF, read/protocol error). hiredis then reports through ConnectionEvents::onConnectionLost and
// the Connection is an empty shell (context() == nullptr) that may be destroyed at once, even
// from inside that event.
//
// Re-entrancy: events and reply callbacks run inside hiredis. A receiver must never destroy a live
// Connection there; it hands it to release(), which frees the context immediately when no hiredis
// callback is on the stack and otherwise on the next loop turn (Dispatcher::deferredDelete).
// Replies arriving in between go to their callbacks as usual; events are no longer delivered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/event_loop.h"
#include "common/status.h"
#include "redis/client.h"

struct redisAsyncContext;

namespace metrogw::redis::internal {

class ConnectionEvents {
 public:
  virtual ~ConnectionEvents() = default;
  // TCP is up: control and regular commands may be sent. Runs inside hiredis's connect handler:
  // must not release the Connection.
  virtual void onConnected() = 0;
  // Reply to a sendControl() command (never for a reply lost with the connection).
  virtual void onControlReply(int tag, Reply reply) = 0;
  // The connection failed or closed; hiredis is freeing the context. `reason` names no secrets.
  virtual void onConnectionLost(std::string reason) = 0;
};

// A regular command's reply hook: `reply` is a redisReply*, null when the connection is lost.
using ReplyHook = void (*)(redisAsyncContext* ac, void* reply, void* privdata);

class Connection : public DeferredDeletable {
 public:
  // Starts a non-blocking connect. Fails (upstreamUnavailable) when hiredis cannot even start.
  [[nodiscard]] static StatusOr<std::unique_ptr<Connection>> open(Dispatcher& dispatcher,
                                                                  const std::string& host, uint16_t port,
                                                                  ConnectionEvents* events);
  ~Connection() override;  // frees the context if hiredis has not; delivers no events
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Detaches the events receiver and frees the context now or, inside a hiredis callback, on the
  // next loop turn. Pending reply hooks then run with a null reply.
  static void release(Dispatcher& dispatcher, std::unique_ptr<Connection> conn);

  // Queues a command; false when the context no longer accepts commands (closing or gone), in
  // which case `hook` will never run for it.
  [[nodiscard]] bool send(int argc, const char** argv, const size_t* lens, ReplyHook hook, void* privdata);
  // A handshake command answered through ConnectionEvents::onControlReply; 0 <= tag < 16.
  [[nodiscard]] bool sendControl(int tag, int argc, const char** argv, const size_t* lens);

  [[nodiscard]] redisAsyncContext* context() const { return ac_; }

 private:
  explicit Connection(ConnectionEvents* events) : events_(events) {}
  static void onConnect(const redisAsyncContext* ac, int status);
  static void onDisconnect(const redisAsyncContext* ac, int status);
  static void onControl(redisAsyncContext* ac, void* reply, void* privdata);
  [[nodiscard]] bool insideHiredis() const;

  redisAsyncContext* ac_ = nullptr;
  ConnectionEvents* events_;
  bool in_connect_hook_ = false;
};

}  // namespace metrogw::redis::internal
