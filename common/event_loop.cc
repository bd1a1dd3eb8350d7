// Timer and Dispatcher implementation.
#include "common/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace metrogw {

Timer::Timer(event_base* base, std::function<void()> cb)
    : cb_(std::move(cb)), ev_(event_new(base, -1, 0, &Timer::onFire, this)) {}

void Timer::enableOnce(std::chrono::milliseconds after) {
  const timeval tv = toTimeval(after);
  event_add(ev_.get(), &tv);
}

void Timer::disable() { event_del(ev_.get()); }

bool Timer::pending() const { return event_pending(ev_.get(), EV_TIMEOUT, nullptr) != 0; }

void Timer::onFire(evutil_socket_t, short, void* arg) { static_cast<Timer*>(arg)->cb_(); }

Dispatcher::Dispatcher() {
  event_config* cfg = event_config_new();
  event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
  base_.reset(event_base_new_with_config(cfg));
  event_config_free(cfg);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (!base_ || wake_fd_ < 0) throw std::runtime_error("event loop setup failed");  // start-up only
  post_event_.reset(event_new(base_.get(), wake_fd_, EV_READ | EV_PERSIST, &Dispatcher::onPosted, this));
  deferred_event_.reset(event_new(
      base_.get(), -1, 0,
      [](evutil_socket_t, short, void* arg) { static_cast<Dispatcher*>(arg)->clearDeferred(); }, this));
}

Dispatcher::~Dispatcher() {
  clearDeferred();
  deferred_event_.reset();
  post_event_.reset();
  ::close(wake_fd_);
}

void Dispatcher::deferredDelete(std::unique_ptr<DeferredDeletable> obj) {
  deferred_.push_back(std::move(obj));
  if (deferred_.size() == 1) event_active(deferred_event_.get(), EV_TIMEOUT, 0);
}

void Dispatcher::clearDeferred() {
  // Destructors may defer more objects; loop until none are left.
  // The two vectors trade places so both keep their capacity (no allocation per loop turn).
  while (!deferred_.empty()) {
    deferred_.swap(deferred_batch_);
    deferred_batch_.clear();
  }
}

void Dispatcher::post(std::function<void()> fn) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(fn));
  }
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof(one));  // EAGAIN: already signalled
}

void Dispatcher::onPosted(evutil_socket_t, short, void* arg) { static_cast<Dispatcher*>(arg)->runPosted(); }

void Dispatcher::runPosted() {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &count, sizeof(count));
  std::deque<std::function<void()>> batch;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(queue_);
  }
  for (auto& fn : batch) fn();
}

void Dispatcher::run() {
  event_add(post_event_.get(), nullptr);
  event_base_loop(base_.get(), EVLOOP_NO_EXIT_ON_EMPTY);
}

void Dispatcher::exit() { event_base_loopbreak(base_.get()); }

}  // namespace metrogw
