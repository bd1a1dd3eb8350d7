// A Stream answers one request on a ServerConnection: ProxyStream forwards it to a cluster,
// LocalStream calls a LocalHandler. The connection owns its current stream and feeds it the
// request body; the stream answers through the connection's response methods.
#pragma once

#include <string_view>

#include "common/event_loop.h"

namespace metrogw::gateway {

class Stream : public DeferredDeletable {
 public:
  // Called once the head is routed; may answer at once.
  virtual void start() = 0;
  virtual void onRequestBody(std::string_view data) = 0;
  virtual void onRequestComplete() = 0;
  // Flow control: false while the stream cannot take more request body right now.
  [[nodiscard]] virtual bool acceptingBody() const = 0;
  // The client's output buffer drained: resume producing response body.
  virtual void onClientWritable() = 0;
  // The client connection is closing: stop all work; no more calls into the connection.
  virtual void onClientGone() = 0;
};

}  // namespace metrogw::gateway
