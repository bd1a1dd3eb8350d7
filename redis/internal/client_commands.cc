// Client command path: argument marshalling, the reply hook, the single timeout sweep over the
// FIFO of pending commands, the fail-fast queue, and EVALSHA with its EVAL fallback.
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <array>

#include "redis/internal/client_impl.h"
#include "redis/internal/reply.h"

namespace metrogw::redis::internal {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr size_t kInlineArgs = 16;
// A sweep that fires this close to a deadline expires the command instead of re-arming for the
// remainder (libevent and steady_clock read the monotonic clock at slightly different moments).
constexpr milliseconds kSweepSlack{1};

// hiredis's argv/argvlen arrays, on the stack for short commands.
class Argv {
 public:
  explicit Argv(const std::vector<std::string>& args) : argc_(args.size()) {
    if (argc_ > kInlineArgs) {
      heap_ptrs_.resize(argc_);
      heap_lens_.resize(argc_);
    }
    const char** ptrs = argv();
    size_t* lens = argc_ > kInlineArgs ? heap_lens_.data() : inline_lens_.data();
    for (size_t i = 0; i < argc_; ++i) {
      ptrs[i] = args[i].data();
      lens[i] = args[i].size();
    }
  }
  [[nodiscard]] int argc() const { return static_cast<int>(argc_); }
  [[nodiscard]] const char** argv() { return argc_ > kInlineArgs ? heap_ptrs_.data() : inline_ptrs_.data(); }
  [[nodiscard]] const size_t* lens() const {
    return argc_ > kInlineArgs ? heap_lens_.data() : inline_lens_.data();
  }

 private:
  size_t argc_;
  std::array<const char*, kInlineArgs> inline_ptrs_{};
  std::array<size_t, kInlineArgs> inline_lens_{};
  std::vector<const char*> heap_ptrs_;
  std::vector<size_t> heap_lens_;
};

double secondsSince(steady_clock::time_point start, steady_clock::time_point now) {
  return std::chrono::duration<double>(now - start).count();
}

}  // namespace

void ClientImpl::command(const std::vector<std::string>& args, ReplyCallback cb) {
  if (!cb) cb = [](const StatusOr<Reply>&) {};  // fire and forget
  if (Status valid = checkCommand(args); !valid.isOk()) {
    countUnavailable(1);
    failLater(std::move(cb), std::move(valid));
    return;
  }
  if (state_ != State::kReady || !conn_) {
    countUnavailable(1);
    failLater(std::move(cb), Status::upstreamUnavailable("redis " + endpoint_ + " is not ready"));
    return;
  }
  if (pending_.size() >= options_.max_pending) {
    countUnavailable(1);
    failLater(std::move(cb),
              Status::resourceExhausted("redis " + endpoint_ + ": " + std::to_string(options_.max_pending) +
                                        " commands already in flight"));
    return;
  }
  const auto now = steady_clock::now();
  auto request = std::make_unique<Request>();
  request->owner = this;
  request->started = now;
  request->cb = std::move(cb);
  Argv argv(args);
  if (!conn_->send(argv.argc(), argv.argv(), argv.lens(), &ClientImpl::onReply, request.get())) {
    countUnavailable(1);
    failLater(std::move(request->cb),
              Status::upstreamUnavailable("redis " + endpoint_ + ": connection closing"));
    return;
  }
  const bool was_idle = pending_.empty();
  pending_.pushBack(request.release());  // hiredis's privdata now; deleted by onReply
  if (was_idle && !sweep_timer_.pending()) armSweep(now);
}

void ClientImpl::onReply(redisAsyncContext* /*ac*/, void* reply, void* privdata) {
  std::unique_ptr<Request> request(static_cast<Request*>(privdata));
  ClientImpl* self = request->owner;
  if (self == nullptr) return;  // already answered (timeout, stop, destruction): drop the late reply
  self->pending_.unlink(request.get());
  request->owner = nullptr;
  if (reply == nullptr) {  // the connection is going away; onConnectionLost follows
    self->countUnavailable(1);
    request->cb(Status::upstreamUnavailable("redis " + self->endpoint_ + ": connection lost"));
    return;
  }
  Reply converted = toReply(*static_cast<const redisReply*>(reply));
  self->consecutive_timeouts_ = 0;
  if (self->stats_) {
    (converted.type == Reply::Type::kError ? self->stats_->error : self->stats_->ok).inc();
    self->stats_->latency.observe(secondsSince(request->started, steady_clock::now()));
  }
  request->cb(std::move(converted));  // last: it may destroy the client
}

void ClientImpl::armSweep(steady_clock::time_point now) {
  const Request* front = pending_.front();
  if (front == nullptr) return;
  const auto due = std::chrono::ceil<milliseconds>(front->started + options_.command_timeout - now);
  sweep_timer_.enableOnce(std::max(due, kSweepSlack));
}

void ClientImpl::onSweep() {
  Deliveries out;
  const auto now = steady_clock::now();
  uint64_t expired = 0;
  const Status timeout = Status::upstreamTimeout("redis " + endpoint_ + ": no reply within " +
                                                 std::to_string(options_.command_timeout.count()) + " ms");
  for (Request* r = pending_.front();
       r != nullptr && r->started + options_.command_timeout <= now + kSweepSlack; r = pending_.front()) {
    pending_.unlink(r);
    r->owner = nullptr;  // stays hiredis's privdata until the late reply or the free
    out.fail(std::move(r->cb), timeout);
    ++expired;
  }
  if (expired > 0) {
    if (stats_) stats_->timeout.inc(expired);
    consecutive_timeouts_ += static_cast<uint32_t>(expired);
    if (options_.timeouts_before_reconnect != 0 &&
        consecutive_timeouts_ >= options_.timeouts_before_reconnect) {
      const std::string reason = std::to_string(consecutive_timeouts_) + " consecutive command timeouts";
      consecutive_timeouts_ = 0;
      dropConnection(reason, out);
      return;
    }
  }
  armSweep(now);
}

void ClientImpl::failAllPending(const Status& status, Deliveries& out) {
  uint64_t n = 0;
  while (Request* r = pending_.front()) {
    pending_.unlink(r);
    r->owner = nullptr;
    out.fail(std::move(r->cb), status);
    ++n;
  }
  countUnavailable(n);
  sweep_timer_.disable();
}

void ClientImpl::failLater(ReplyCallback cb, Status status) {
  if (destroying_) {  // called from a callback run by the destructor: the dispatcher outlives us
    dispatcher_.post([cb = std::move(cb), status = std::move(status)]() mutable { cb(std::move(status)); });
    return;
  }
  failures_.emplace_back(std::move(cb), std::move(status));
  if (!failure_timer_.pending()) failure_timer_.enableOnce(milliseconds(0));
}

void ClientImpl::drainFailures() {
  std::vector<std::pair<ReplyCallback, Status>> batch;
  batch.swap(failures_);
  for (auto& [cb, status] : batch) cb(std::move(status));  // touches nothing of the client
}

void ClientImpl::countUnavailable(uint64_t n) {
  if (stats_ && n > 0) stats_->unavailable.inc(n);
}

void ClientImpl::eval(const Script& script, const std::vector<std::string>& keys,
                      const std::vector<std::string>& args, ReplyCallback cb) {
  auto argv = std::make_shared<std::vector<std::string>>();
  argv->reserve(3 + keys.size() + args.size());
  argv->push_back("EVALSHA");
  argv->push_back(script.sha1());
  argv->push_back(std::to_string(keys.size()));
  argv->insert(argv->end(), keys.begin(), keys.end());
  argv->insert(argv->end(), args.begin(), args.end());
  // `this` is used only for a NOSCRIPT reply, which comes through onReply while the client lives.
  command(*argv, [this, script, argv, cb = std::move(cb)](StatusOr<Reply> reply) mutable {
    if (reply.isOk() && reply->type == Reply::Type::kError && startsWith(reply->str, "NOSCRIPT")) {
      (*argv)[0] = "EVAL";
      (*argv)[1] = script.text();
      command(*argv, std::move(cb));
      return;
    }
    cb(std::move(reply));
  });
}

}  // namespace metrogw::redis::internal
