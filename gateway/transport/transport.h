// Transport: the byte pipe under a connection — the seam between plain TCP and TLS.
//
// A transport owns its socket and two evbuffers. The owner appends to output() and calls
// flushSoon(); the transport writes on this loop turn (coalescing everything appended) and calls
// back when bytes arrive, when output has fully drained, and on connect/EOF/error.
// Threading: owner thread only. Callbacks may close() the transport; it must not be destroyed
// inside its own callback (owners use deferred deletion).
#pragma once

#include <event2/buffer.h>
#include <event2/event.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cstddef>
#include <memory>

#include "common/status.h"

namespace metrogw::gateway {

enum class TransportEvent { kConnected, kEof, kError };

class TransportCallbacks {
 public:
  virtual ~TransportCallbacks() = default;
  virtual void onTransportRead() = 0;     // input() holds new bytes
  virtual void onTransportDrained() = 0;  // output() became empty after a write
  virtual void onTransportEvent(TransportEvent event) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual void setCallbacks(TransportCallbacks* callbacks) = 0;
  [[nodiscard]] virtual evbuffer* input() = 0;
  [[nodiscard]] virtual evbuffer* output() = 0;
  virtual void flushSoon() = 0;
  // Writes output() now (end of a message: do not wait for the loop turn). Callbacks that the write
  // causes (drained, error) are still delivered from the loop, never from inside this call.
  virtual void flushNow() = 0;
  // Stop or resume reading from the socket (flow control). Reading also stops by itself while
  // input() holds at least the read limit.
  virtual void setReadEnabled(bool enabled) = 0;
  virtual void setReadLimit(size_t bytes) = 0;
  // The owner consumed bytes from input(): reading resumes if it had stopped at the read limit.
  virtual void inputConsumed() = 0;
  // Closes the socket now; no callbacks afterwards.
  virtual void close() = 0;
  [[nodiscard]] virtual SSL* ssl() const = 0;  // null for plain TCP
  // After an error event: the TLS layer reported it (handshake or record failure).
  [[nodiscard]] virtual bool tlsFailed() const = 0;
};

// Server side: wraps an accepted, non-blocking socket. `ssl` (owned from now on) makes it TLS;
// kConnected is reported when the TLS handshake completes.
[[nodiscard]] std::unique_ptr<Transport> acceptTransport(event_base* base, int fd, SSL* ssl);
// Client side: starts a non-blocking connect; kConnected (after the TLS handshake when `ssl`
// is given) or kError follows.
[[nodiscard]] StatusOr<std::unique_ptr<Transport>> connectTransport(event_base* base, const sockaddr* addr,
                                                                    socklen_t len, SSL* ssl);

}  // namespace metrogw::gateway
