// A command in flight and the FIFO of commands awaiting a reply.
//
// Ownership: a Request is hiredis's privdata and is deleted by the reply hook, which hiredis runs
// exactly once per queued command (with the reply, or with null when the connection goes away).
// While it is in a RequestQueue its `owner` is the client; a request answered early (timeout,
// stop(), destruction) is unlinked, its callback moved out, and `owner` set to null, so the late
// hook only deletes it.
//
// Every command gets the same timeout, so queue order (issue order) is also deadline order: the
// front is always the first to expire, and one timer armed for it covers the whole queue.
#pragma once

#include <chrono>
#include <cstddef>

#include "redis/client.h"

namespace metrogw::redis::internal {

class ClientImpl;

struct Request {
  ClientImpl* owner = nullptr;
  Request* prev = nullptr;
  Request* next = nullptr;
  std::chrono::steady_clock::time_point started;
  ReplyCallback cb;
};

// Intrusive doubly linked list: O(1) push, unlink and front, no allocation.
class RequestQueue {
 public:
  void pushBack(Request* r) {
    r->prev = tail_;
    r->next = nullptr;
    (tail_ != nullptr ? tail_->next : head_) = r;
    tail_ = r;
    ++size_;
  }
  void unlink(Request* r) {
    (r->prev != nullptr ? r->prev->next : head_) = r->next;
    (r->next != nullptr ? r->next->prev : tail_) = r->prev;
    r->prev = r->next = nullptr;
    --size_;
  }
  [[nodiscard]] Request* front() const { return head_; }
  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }

 private:
  Request* head_ = nullptr;
  Request* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace metrogw::redis::internal
