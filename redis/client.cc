// Client: the public face of internal::ClientImpl, plus stateName().
#include "redis/client.h"

#include <fstream>

#include "redis/internal/client_impl.h"

namespace metrogw::redis {
namespace {

void ignoreReply(const StatusOr<Reply>& /*reply*/) {}

}  // namespace

const char* stateName(State state) {
  switch (state) {
    case State::kConnecting: return "connecting";
    case State::kReady: return "ready";
    case State::kDown: return "down";
  }
  return "down";
}

Client::Client(Dispatcher& dispatcher, Options options, observability::Registry* metrics, uint32_t shard,
               StateCallback on_state)
    : dispatcher_(dispatcher),
      impl_(std::make_unique<internal::ClientImpl>(dispatcher, std::move(options), metrics, shard,
                                                   std::move(on_state))) {}

// impl_ is null while the implementation is destroyed, so calls made from the callbacks it fails
// land in the null branches below instead of on a half-destroyed object.
Client::~Client() { impl_.reset(); }

void Client::start() {
  if (impl_) impl_->start();
}

void Client::stop() {
  if (impl_) impl_->stop();
}

State Client::state() const { return impl_ ? impl_->state() : State::kDown; }

void Client::command(const std::vector<std::string>& args, ReplyCallback cb) {
  if (!cb) cb = ignoreReply;
  if (!impl_) {
    dispatcher_.post([cb = std::move(cb)] { cb(Status::upstreamUnavailable("redis client destroyed")); });
    return;
  }
  impl_->command(args, std::move(cb));
}

void Client::eval(const Script& script, const std::vector<std::string>& keys,
                  const std::vector<std::string>& args, ReplyCallback cb) {
  if (!cb) cb = ignoreReply;
  if (!impl_) {
    dispatcher_.post([cb = std::move(cb)] { cb(Status::upstreamUnavailable("redis client destroyed")); });
    return;
  }
  impl_->eval(script, keys, args, std::move(cb));
}

}  // namespace metrogw::redis

namespace metrogw::redis {

StatusOr<std::string> readPasswordFile(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path);
  if (!in) return Status::ioError("redis.password_file " + path + ": cannot be read");
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace metrogw::redis
