// Client life cycle: connect → AUTH → SELECT → PING → kReady; failures → kDown and a backoff timer;
// stop() and destruction fail what is pending and free the connection safely.
#include "redis/internal/client_impl.h"

#include <cstdlib>
#include <random>

#include "common/logging.h"
#include "redis/internal/reply.h"

namespace metrogw::redis::internal {
namespace {

constexpr size_t kMaxLoggedError = 200;  // Redis error text quoted in logs and reasons

uint64_t backoffSeed(const void* self) {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ static_cast<uint64_t>(reinterpret_cast<uintptr_t>(self));
}

std::string clip(const std::string& s) {
  return s.size() > kMaxLoggedError ? s.substr(0, kMaxLoggedError) : s;
}

}  // namespace

ClientImpl::ClientImpl(Dispatcher& dispatcher, Options options, observability::Registry* metrics,
                       uint32_t shard, StateCallback on_state)
    : dispatcher_(dispatcher),
      options_(std::move(options)),
      endpoint_(options_.sentinels.empty() ? options_.host + ":" + std::to_string(options_.port)
                                           : "sentinel:" + options_.sentinel_master),
      host_(options_.sentinels.empty() ? options_.host : ""),
      port_(options_.port),
      on_state_(std::move(on_state)),
      stats_(Stats::create(metrics, shard)),
      backoff_(options_.reconnect_min, options_.reconnect_max, backoffSeed(this)),
      connect_timer_(dispatcher.base(), [this] { onConnectTimeout(); }),
      reconnect_timer_(dispatcher.base(), [this] { onReconnectTimer(); }),
      sweep_timer_(dispatcher.base(), [this] { onSweep(); }),
      failure_timer_(dispatcher.base(), [this] { drainFailures(); }) {
  if (stats_) stats_->connected.set(0);
}

ClientImpl::~ClientImpl() {
  Deliveries out;  // runs last, while the members still exist (but are no longer used)
  destroying_ = true;
  started_ = false;
  connect_timer_.disable();
  reconnect_timer_.disable();
  failure_timer_.disable();
  failAllPending(Status::upstreamUnavailable("redis client for " + endpoint_ + " destroyed"), out);
  Connection::release(dispatcher_, std::move(conn_));  // the requests are detached: hooks only delete
  for (auto& [cb, status] : failures_) out.fail(std::move(cb), status);
  failures_.clear();
  if (stats_) stats_->connected.set(0);
}

void ClientImpl::start() {
  Deliveries out;
  if (started_) return;
  started_ = true;
  backoff_.reset();
  setState(State::kConnecting, "", out);
  connect(out);
}

void ClientImpl::stop() {
  Deliveries out;
  started_ = false;
  connect_timer_.disable();
  reconnect_timer_.disable();
  failAllPending(Status::upstreamUnavailable("redis client for " + endpoint_ + " stopped"), out);
  Connection::release(dispatcher_, std::move(conn_));
  if (stats_) stats_->connected.set(0);
  setState(State::kDown, "stopped", out);
}

void ClientImpl::connect(Deliveries& out) {
  if (sentinelMode() && !resolving_ && host_.empty()) {
    askSentinel(out);
    return;
  }
  auto conn = Connection::open(dispatcher_, host_, port_, this);
  if (!conn.isOk()) {
    enterDown(conn.status().message(), out);
    return;
  }
  conn_ = std::move(conn).value();
  connect_timer_.enableOnce(options_.connect_timeout);
}

void ClientImpl::onConnected() {
  if (resolving_) {
    const char* argv[] = {"SENTINEL", "get-master-addr-by-name", options_.sentinel_master.data()};
    const size_t lens[] = {8, 23, options_.sentinel_master.size()};
    (void)conn_->sendControl(kSentinel, 3, argv, lens);
    return;
  }
  // Pipelined: the replies come back in this order; the first error ends the handshake.
  if (!options_.password.empty()) {
    const char* argv[] = {"AUTH", options_.password.data()};
    const size_t lens[] = {4, options_.password.size()};
    (void)conn_->sendControl(kAuth, 2, argv, lens);
  }
  if (options_.db != 0) {
    const std::string db = std::to_string(options_.db);
    const char* argv[] = {"SELECT", db.data()};
    const size_t lens[] = {6, db.size()};
    (void)conn_->sendControl(kSelect, 2, argv, lens);
  }
  const char* argv[] = {"PING"};
  const size_t lens[] = {4};
  (void)conn_->sendControl(kPing, 1, argv, lens);  // a refused send leaves it to connect_timeout
  if (sentinelMode()) {  // a sentinel's word may be stale: only the primary itself will do
    const char* role[] = {"ROLE"};
    const size_t role_lens[] = {4};
    (void)conn_->sendControl(kRole, 1, role, role_lens);
  }
}

void ClientImpl::onControlReply(int tag, Reply reply) {
  Deliveries out;
  if (tag == kSentinel) {
    onSentinelReply(reply, out);
  } else if (reply.type == Reply::Type::kError) {
    handshakeFailed(tag, reply.str, out);
  } else if (tag == kRole) {
    const std::string role = reply.elements.empty() ? "" : reply.elements.front().str;
    if (role == "master") {
      enterReady(out);
    } else {
      handshakeFailed(tag, "not the primary (role " + clip(role) + ")", out);
    }
  } else if (tag == kPing && !sentinelMode()) {
    enterReady(out);
  }
}

void ClientImpl::askSentinel(Deliveries& out) {
  const auto& [host, port] = options_.sentinels[sentinel_next_ % options_.sentinels.size()];
  sentinel_next_ = (sentinel_next_ + 1) % options_.sentinels.size();
  resolving_ = true;
  auto conn = Connection::open(dispatcher_, host, port, this);
  if (!conn.isOk()) {
    sentinelFailed(host + ":" + std::to_string(port) + ": " + conn.status().message(), out);
    return;
  }
  conn_ = std::move(conn).value();
  connect_timer_.enableOnce(options_.connect_timeout);
}

void ClientImpl::onSentinelReply(const Reply& reply, Deliveries& out) {
  const bool named = reply.type == Reply::Type::kArray && reply.elements.size() == 2 &&
                     !reply.elements[0].str.empty() && !reply.elements[1].str.empty();
  int64_t port = 0;
  if (named) port = std::strtoll(reply.elements[1].str.c_str(), nullptr, 10);
  if (!named || port <= 0 || port > 65535) {
    sentinelFailed(reply.type == Reply::Type::kError
                       ? clip(reply.str)
                       : "no primary known for '" + options_.sentinel_master + "'",
                   out);
    return;
  }
  connect_timer_.disable();
  Connection::release(dispatcher_, std::move(conn_));
  resolving_ = false;
  sentinel_failures_ = 0;
  host_ = reply.elements[0].str;
  port_ = static_cast<uint16_t>(port);
  const std::string endpoint = host_ + ":" + std::to_string(port_);
  if (endpoint != endpoint_)
    log::info("redis", "sentinel: primary of '" + options_.sentinel_master + "' is " + endpoint);
  endpoint_ = endpoint;
  connect(out);
}

void ClientImpl::sentinelFailed(const std::string& reason, Deliveries& out) {
  connect_timer_.disable();
  Connection::release(dispatcher_, std::move(conn_));
  resolving_ = false;
  if (++sentinel_failures_ < options_.sentinels.size()) {
    askSentinel(out);  // the next one, at once
    return;
  }
  sentinel_failures_ = 0;
  enterDown("no sentinel named a primary (last: " + reason + ")", out);
}

void ClientImpl::handshakeFailed(int tag, const std::string& message, Deliveries& out) {
  const bool auth = tag == kAuth || startsWith(message, "NOAUTH") || startsWith(message, "WRONGPASS");
  const std::string reason = (auth ? "authentication failed: " : "handshake failed: ") + clip(message);
  if (auth && !auth_failure_logged_) {
    auth_failure_logged_ = true;
    log::error("redis", "redis " + endpoint_ + ": " + reason + " (check the password file; retrying)");
  }
  dropConnection(reason, out);
}

void ClientImpl::onConnectionLost(std::string reason) {
  Deliveries out;
  conn_.reset();  // an empty shell: hiredis is freeing the context
  if (resolving_) {
    sentinelFailed(reason, out);
    return;
  }
  if (sentinelMode()) host_.clear();  // the primary may have moved: ask again before reconnecting
  failAllPending(Status::upstreamUnavailable("redis " + endpoint_ + ": " + reason), out);
  enterDown(reason, out);
}

void ClientImpl::onConnectTimeout() {
  Deliveries out;
  if (resolving_) {
    sentinelFailed("no answer within " + std::to_string(options_.connect_timeout.count()) + " ms", out);
    return;
  }
  dropConnection("not ready within " + std::to_string(options_.connect_timeout.count()) + " ms", out);
}

void ClientImpl::onReconnectTimer() {
  Deliveries out;
  if (!started_ || conn_) return;
  if (stats_) stats_->reconnects.inc();
  connect(out);
}

void ClientImpl::enterReady(Deliveries& out) {
  connect_timer_.disable();
  backoff_.reset();
  consecutive_timeouts_ = 0;
  auth_failure_logged_ = false;
  if (stats_) stats_->connected.set(1);
  setState(State::kReady, "", out);
}

void ClientImpl::dropConnection(const std::string& reason, Deliveries& out) {
  connect_timer_.disable();
  if (sentinelMode()) host_.clear();  // ask the sentinels again before the next connect
  failAllPending(Status::upstreamUnavailable("redis " + endpoint_ + ": " + reason), out);
  Connection::release(dispatcher_, std::move(conn_));  // after the requests are detached
  enterDown(reason, out);
}

void ClientImpl::enterDown(const std::string& reason, Deliveries& out) {
  connect_timer_.disable();
  if (stats_) stats_->connected.set(0);
  setState(State::kDown, reason, out);
  if (started_ && !reconnect_timer_.pending()) reconnect_timer_.enableOnce(backoff_.next());
}

void ClientImpl::setState(State s, const std::string& reason, Deliveries& out) {
  if (s == state_) return;
  state_ = s;
  std::string line = "redis " + endpoint_ + ": " + stateName(s);
  if (!reason.empty()) line += " (" + reason + ")";
  log::warn("redis", line);
  out.state(on_state_, s);
}

}  // namespace metrogw::redis::internal
