// libevent wrappers: owning handles, timers, and a Dispatcher that owns one event_base.
//
// Threading: a Dispatcher's event_base is driven by exactly one thread (its worker). The only
// member callable from other threads is post(); everything else, exit() included, must run on the
// owning thread (other threads post exit). Because of that the event_base runs without libevent's
// internal locks (EVENT_BASE_FLAG_NOLOCK); post() wakes the loop through an eventfd.
#pragma once

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace metrogw {

struct EventBaseDeleter {
  void operator()(event_base* b) const { event_base_free(b); }
};
struct EventDeleter {
  void operator()(event* e) const { event_free(e); }
};
struct BufferEventDeleter {
  void operator()(bufferevent* b) const { bufferevent_free(b); }
};
struct ListenerDeleter {
  void operator()(evconnlistener* l) const { evconnlistener_free(l); }
};

using EventBasePtr = std::unique_ptr<event_base, EventBaseDeleter>;
using EventPtr = std::unique_ptr<event, EventDeleter>;
using BufferEventPtr = std::unique_ptr<bufferevent, BufferEventDeleter>;
using ListenerPtr = std::unique_ptr<evconnlistener, ListenerDeleter>;

[[nodiscard]] inline timeval toTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

// A one-shot or repeating timer bound to an event_base; owner-thread only. Destroying it cancels.
class Timer {
 public:
  Timer(event_base* base, std::function<void()> cb);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  void enableOnce(std::chrono::milliseconds after);
  void disable();
  [[nodiscard]] bool pending() const;

 private:
  static void onFire(evutil_socket_t, short, void* arg);
  std::function<void()> cb_;
  EventPtr ev_;
};

// Objects that may be destroyed from inside their own callbacks are handed to
// Dispatcher::deferredDelete() and freed on the next loop turn, after every callback on the stack
// has returned.
class DeferredDeletable {
 public:
  virtual ~DeferredDeletable() = default;
};

class Dispatcher {
 public:
  Dispatcher();
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  [[nodiscard]] event_base* base() const { return base_.get(); }

  // Thread-safe: queues `fn` to run on the dispatcher's thread on its next loop turn.
  void post(std::function<void()> fn);

  // Owner thread only: frees `obj` on the next loop turn.
  void deferredDelete(std::unique_ptr<DeferredDeletable> obj);
  void clearDeferred();

  // Runs the loop until exit() is called (from the owning thread or through post()).
  void run();
  void exit();  // owner thread only

 private:
  static void onPosted(evutil_socket_t, short, void* arg);
  void runPosted();

  EventBasePtr base_;
  int wake_fd_ = -1;
  EventPtr post_event_;
  std::mutex mutex_;
  std::deque<std::function<void()>> queue_;
  EventPtr deferred_event_;
  std::vector<std::unique_ptr<DeferredDeletable>> deferred_;
  std::vector<std::unique_ptr<DeferredDeletable>> deferred_batch_;  // being freed by clearDeferred()
};

}  // namespace metrogw
