// hiredis async context wrapper: connect, libevent attach, event routing and safe freeing.
#include "redis/internal/connection.h"

#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "redis/internal/reply.h"

namespace metrogw::redis::internal {
namespace {

// Control replies carry their tag as privdata: a pointer into this array (tag = offset).
char g_control_tags[16];

Connection* connectionOf(const redisAsyncContext* ac) { return static_cast<Connection*>(ac->data); }

// Detaches the context from its Connection: hiredis is freeing it and no hook may reach the
// Connection afterwards (the receiver may destroy it).
void forget(const redisAsyncContext* ac) { const_cast<redisAsyncContext*>(ac)->data = nullptr; }

}  // namespace

StatusOr<std::unique_ptr<Connection>> Connection::open(Dispatcher& dispatcher, const std::string& host,
                                                       uint16_t port, ConnectionEvents* events) {
  redisAsyncContext* ac = redisAsyncConnect(host.c_str(), port);
  if (ac == nullptr) return Status::upstreamUnavailable("redis connect: out of memory");
  if (ac->err != 0) {
    std::string why = ac->errstr;
    redisAsyncFree(ac);  // not attached, no callbacks registered: freed at once
    return Status::upstreamUnavailable("redis connect: " + why);
  }
  std::unique_ptr<Connection> conn(new Connection(events));
  conn->ac_ = ac;
  ac->data = conn.get();
  redisLibeventAttach(ac, dispatcher.base());
  redisAsyncSetConnectCallback(ac, &Connection::onConnect);
  redisAsyncSetDisconnectCallback(ac, &Connection::onDisconnect);
  redisEnableKeepAlive(&ac->c);
  return conn;
}

Connection::~Connection() {
  if (ac_ == nullptr) return;
  ac_->data = nullptr;  // the disconnect callback fired by the free below must not reach us
  redisAsyncFree(ac_);
  ac_ = nullptr;
}

void Connection::release(Dispatcher& dispatcher, std::unique_ptr<Connection> conn) {
  if (!conn) return;
  conn->events_ = nullptr;
  if (conn->ac_ != nullptr && conn->insideHiredis()) dispatcher.deferredDelete(std::move(conn));
  // otherwise `conn` is destroyed here, freeing the context
}

bool Connection::insideHiredis() const {
  return in_connect_hook_ || (ac_ != nullptr && (ac_->c.flags & REDIS_IN_CALLBACK) != 0);
}

bool Connection::send(int argc, const char** argv, const size_t* lens, ReplyHook hook, void* privdata) {
  if (ac_ == nullptr) return false;
  return redisAsyncCommandArgv(ac_, hook, privdata, argc, argv, lens) == REDIS_OK;
}

bool Connection::sendControl(int tag, int argc, const char** argv, const size_t* lens) {
  if (tag < 0 || static_cast<size_t>(tag) >= sizeof(g_control_tags)) return false;
  return send(argc, argv, lens, &Connection::onControl, &g_control_tags[tag]);
}

void Connection::onConnect(const redisAsyncContext* ac, int status) {
  Connection* conn = connectionOf(ac);
  if (conn == nullptr) return;
  if (status != REDIS_OK) {
    // hiredis frees the context right after this callback (no disconnect callback follows).
    std::string reason = std::string("connect failed: ") + ac->c.errstr;
    ConnectionEvents* events = conn->events_;
    conn->ac_ = nullptr;
    forget(ac);
    if (events != nullptr) events->onConnectionLost(std::move(reason));
    return;
  }
  if (conn->events_ == nullptr) return;
  conn->in_connect_hook_ = true;
  conn->events_->onConnected();
  conn->in_connect_hook_ = false;
}

void Connection::onDisconnect(const redisAsyncContext* ac, int status) {
  Connection* conn = connectionOf(ac);
  if (conn == nullptr) return;
  std::string reason =
      status == REDIS_OK ? std::string("connection closed") : std::string("connection lost: ") + ac->c.errstr;
  ConnectionEvents* events = conn->events_;
  conn->ac_ = nullptr;
  forget(ac);
  if (events != nullptr) events->onConnectionLost(std::move(reason));
}

void Connection::onControl(redisAsyncContext* ac, void* reply, void* privdata) {
  Connection* conn = connectionOf(ac);
  if (conn == nullptr || conn->events_ == nullptr || reply == nullptr) return;
  const int tag = static_cast<int>(static_cast<const char*>(privdata) - g_control_tags);
  conn->events_->onControlReply(tag, toReply(*static_cast<const redisReply*>(reply)));
}

}  // namespace metrogw::redis::internal
