// What a connection knows about the exchange in progress; feeds the access log and metrics.
#pragma once

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "gateway/http/parser.h"
#include "gateway/router/router.h"
#include "gateway/server/snapshot.h"

namespace metrogw::gateway {

struct RequestInfo {
  SnapshotPtr snapshot;  // pins the route and cluster config this exchange started with
  http::MessageHead head;
  std::string request_id;
  MonotonicTime start{};
  const RouteEntry* route = nullptr;
  PathParams params;
  int status = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint32_t retries = 0;
  std::string upstream_host;
  std::string flags;

  // Back to the state of a new exchange. Unlike `*this = RequestInfo{}` this keeps the capacity of
  // the strings and of the header list, so a keep-alive connection stops allocating them anew for
  // every request. A new member must be reset here too.
  void reset() {
    snapshot.reset();
    head.clear();
    request_id.clear();
    start = {};
    route = nullptr;
    params.clear();
    status = 0;
    bytes_in = bytes_out = 0;
    retries = 0;
    upstream_host.clear();
    flags.clear();
  }

  void addFlag(std::string_view f) {
    if (!flags.empty()) flags += ',';
    flags += f;
  }
};

}  // namespace metrogw::gateway
