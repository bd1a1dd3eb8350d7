// User callbacks collected while a client changes state, run when the Deliveries goes out of
// scope. A callback may destroy the client, so each client entry point declares its Deliveries
// first (destroyed last) and touches nothing of the client once it runs. Running them touches
// nothing but the callbacks themselves.
#pragma once

#include <utility>
#include <vector>

#include "common/status.h"
#include "redis/client.h"

namespace metrogw::redis::internal {

class Deliveries {
 public:
  Deliveries() = default;
  Deliveries(const Deliveries&) = delete;
  Deliveries& operator=(const Deliveries&) = delete;
  ~Deliveries() { run(); }

  void fail(ReplyCallback cb, const Status& status) { failures_.emplace_back(std::move(cb), status); }
  void state(const StateCallback& on_state, State s) {
    if (!on_state) return;
    if (!on_state_) on_state_ = on_state;
    states_.push_back(s);
  }

  // State changes first (in order), then the failed commands.
  void run() {
    std::vector<State> states;
    states.swap(states_);
    StateCallback on_state = std::move(on_state_);
    std::vector<std::pair<ReplyCallback, Status>> failures;
    failures.swap(failures_);
    for (State s : states) on_state(s);
    for (auto& [cb, status] : failures) cb(std::move(status));
  }

 private:
  StateCallback on_state_;
  std::vector<State> states_;
  std::vector<std::pair<ReplyCallback, Status>> failures_;
};

}  // namespace metrogw::redis::internal
