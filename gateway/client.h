// Outbound HTTP for local handlers: a request through a configured cluster, with the same
// per-worker keep-alive pools, circuit breaker, outlier detection, TLS (incl. client
// certificates and peer subject checks) and cluster metrics as proxied requests.
//
// One client per worker; owner-thread only. `done` is called exactly once, always later on the
// worker's loop (never from inside send()).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "gateway/http/headers.h"

namespace metrogw::gateway {

struct ClientRequest {
  std::string method = "GET";
  std::string target;                                        // origin-form: "/path?query"
  std::vector<std::pair<std::string, std::string>> headers;  // Host and Content-Length are added
  std::string body;
  std::chrono::milliseconds timeout{0};  // 0: the cluster's request_timeout_ms
  size_t max_response_bytes = size_t{16} * 1024 * 1024;
};

struct ClientResponse {
  int status = 0;
  http::HeaderMap headers;
  std::string body;
};

// Errors: kUpstreamUnavailable (unknown cluster, circuit open, connect/TLS failure, reset,
// malformed answer, response too large), kUpstreamTimeout (no complete answer in time).
using ClientCallback = std::function<void(StatusOr<ClientResponse>)>;

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual void send(std::string_view cluster, ClientRequest request, ClientCallback done) = 0;
};

}  // namespace metrogw::gateway
