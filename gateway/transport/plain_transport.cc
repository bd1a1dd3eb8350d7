// PlainTransport implementation.
#include "gateway/transport/plain_transport.h"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace metrogw::gateway {
namespace {
constexpr size_t kReadChunk = 16UL * 1024;
}

PlainTransport::PlainTransport(event_base* base, int fd, bool connecting)
    : fd_(fd), input_(evbuffer_new()), output_(evbuffer_new()), connecting_(connecting) {
  io_event_.reset(
      event_new(base, fd, EV_READ | EV_WRITE | EV_PERSIST | EV_ET, &PlainTransport::onSocket, this));
  flush_event_.reset(event_new(base, -1, 0, &PlainTransport::onFlush, this));
  event_add(io_event_.get(), nullptr);
  writable_ = !connecting;
}

PlainTransport::~PlainTransport() {
  close();
  evbuffer_free(input_);
  evbuffer_free(output_);
}

void PlainTransport::close() {
  if (closed_) return;
  closed_ = true;
  callbacks_ = nullptr;
  io_event_.reset();
  flush_event_.reset();
  ::close(fd_);
}

void PlainTransport::emit(TransportEvent e) {
  if (callbacks_ != nullptr) callbacks_->onTransportEvent(e);
}

void PlainTransport::flushSoon() {
  if (closed_ || flush_pending_ || connecting_) return;
  flush_pending_ = true;
  event_active(flush_event_.get(), EV_TIMEOUT, 0);
}

void PlainTransport::flushNow() {
  if (closed_ || connecting_) return;
  while (writable_ && !write_failed_ && evbuffer_get_length(output_) > 0) {
    if (evbuffer_write(output_, fd_) >= 0) continue;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      writable_ = false;
    } else {
      write_failed_ = true;
    }
  }
  flushSoon();
}

void PlainTransport::onFlush(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<PlainTransport*>(arg);
  self->flush_pending_ = false;
  if (self->write_failed_) {
    self->emit(TransportEvent::kError);
    return;
  }
  if (self->writable_) self->writeSome();
}

void PlainTransport::setReadEnabled(bool enabled) {
  if (read_enabled_ == enabled || closed_) return;
  read_enabled_ = enabled;
  // Edge-triggered: bytes that arrived while paused raise no new edge, so look now.
  if (enabled && readable_) event_active(io_event_.get(), EV_READ, 0);
}

void PlainTransport::inputConsumed() {
  // Edge-triggered: a socket left unread at the limit raises no new edge, so look again now.
  if (!closed_ && readable_ && read_enabled_ && evbuffer_get_length(input_) < read_limit_) {
    event_active(io_event_.get(), EV_READ, 0);
  }
}

void PlainTransport::onSocket(evutil_socket_t, short what, void* arg) {
  static_cast<PlainTransport*>(arg)->handleSocket(what);
}

void PlainTransport::handleSocket(short what) {
  if (connecting_) {
    if ((what & EV_WRITE) != 0) finishConnect();
    return;
  }
  if ((what & EV_WRITE) != 0) {
    writable_ = true;
    if (evbuffer_get_length(output_) > 0) writeSome();
    if (closed_) return;
  }
  if ((what & EV_READ) != 0) {
    readable_ = true;
    readSome();
  }
}

void PlainTransport::finishConnect() {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
    emit(TransportEvent::kError);
    return;
  }
  connecting_ = false;
  writable_ = true;
  readable_ = true;
  emit(TransportEvent::kConnected);
  if (!closed_ && evbuffer_get_length(output_) > 0) writeSome();
}

void PlainTransport::readSome() {
  bool got = false;
  while (readable_ && read_enabled_ && !closed_ && evbuffer_get_length(input_) < read_limit_) {
    evbuffer_iovec vec[2];
    const int n_vec = evbuffer_reserve_space(input_, kReadChunk, vec, 2);
    if (n_vec <= 0) break;
    const ssize_t n = ::readv(fd_, reinterpret_cast<iovec*>(vec), n_vec);
    if (n < 0) {
      evbuffer_commit_space(input_, vec, 0);
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        readable_ = false;
        break;
      }
      emit(TransportEvent::kError);
      return;
    }
    if (n == 0) {
      evbuffer_commit_space(input_, vec, 0);
      readable_ = false;
      if (got && callbacks_ != nullptr) callbacks_->onTransportRead();
      emit(TransportEvent::kEof);
      return;
    }
    // Commit exactly n bytes across the reserved vectors.
    auto left = static_cast<size_t>(n);
    int used = 0;
    for (; used < n_vec && left > 0; ++used) {
      const size_t take = left < vec[used].iov_len ? left : vec[used].iov_len;
      vec[used].iov_len = take;
      left -= take;
    }
    evbuffer_commit_space(input_, vec, used);
    got = true;
    // A short read emptied the socket; new bytes will raise a new edge.
    if (static_cast<size_t>(n) < kReadChunk) readable_ = false;
  }
  if (got && callbacks_ != nullptr) callbacks_->onTransportRead();
}

void PlainTransport::writeSome() {
  while (!closed_ && evbuffer_get_length(output_) > 0) {
    const int n = evbuffer_write(output_, fd_);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        writable_ = false;
        return;
      }
      emit(TransportEvent::kError);
      return;
    }
  }
  if (!closed_ && callbacks_ != nullptr) callbacks_->onTransportDrained();
}

}  // namespace metrogw::gateway
