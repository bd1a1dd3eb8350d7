// RequestInfo::reset: every field back to a new exchange's value, buffers kept for the next request.
#include "gateway/server/request_info.h"

#include <gtest/gtest.h>

namespace metrogw::gateway {
namespace {

RequestInfo used() {
  RequestInfo r;
  r.snapshot = std::make_shared<Snapshot>();
  r.head.method = "POST";
  r.head.url = "/v1/appointments?city=3201&limit=50";
  r.head.status = 201;
  r.head.version_minor = 0;
  r.head.headers.add("Content-Type", "application/json");
  r.head.headers.add("X-Request-Id", "0123456789abcdef0123456789abcdef");
  r.head.keep_alive = false;
  r.head.chunked = true;
  r.head.content_length = 12;
  r.head.upgrade = true;
  r.request_id = "0123456789abcdef0123456789abcdef";
  r.start = MonotonicTime{} + std::chrono::seconds(5);
  static const RouteEntry route{};
  r.route = &route;
  r.params.emplace_back("id", "3201");
  r.status = 503;
  r.bytes_in = 10;
  r.bytes_out = 20;
  r.retries = 2;
  r.upstream_host = "upstream.example.internal:8443";
  r.addFlag("UT");
  r.addFlag("UR");
  return r;
}

TEST(RequestInfo, ResetMatchesANewExchange) {
  RequestInfo r = used();
  r.reset();
  const RequestInfo fresh;
  EXPECT_EQ(r.snapshot, nullptr);
  EXPECT_EQ(r.head.method, fresh.head.method);
  EXPECT_EQ(r.head.url, fresh.head.url);
  EXPECT_EQ(r.head.status, fresh.head.status);
  EXPECT_EQ(r.head.version_major, fresh.head.version_major);
  EXPECT_EQ(r.head.version_minor, fresh.head.version_minor);
  EXPECT_EQ(r.head.headers.size(), 0U);
  EXPECT_EQ(r.head.keep_alive, fresh.head.keep_alive);
  EXPECT_EQ(r.head.chunked, fresh.head.chunked);
  EXPECT_EQ(r.head.content_length, fresh.head.content_length);
  EXPECT_EQ(r.head.upgrade, fresh.head.upgrade);
  EXPECT_EQ(r.request_id, fresh.request_id);
  EXPECT_EQ(r.start, fresh.start);
  EXPECT_EQ(r.route, nullptr);
  EXPECT_TRUE(r.params.empty());
  EXPECT_EQ(r.status, fresh.status);
  EXPECT_EQ(r.bytes_in, fresh.bytes_in);
  EXPECT_EQ(r.bytes_out, fresh.bytes_out);
  EXPECT_EQ(r.retries, fresh.retries);
  EXPECT_EQ(r.upstream_host, fresh.upstream_host);
  EXPECT_EQ(r.flags, fresh.flags);
}

TEST(RequestInfo, ResetKeepsBuffersForTheNextRequest) {
  RequestInfo r = used();
  const size_t id_capacity = r.request_id.capacity();
  const size_t url_capacity = r.head.url.capacity();
  const size_t header_capacity = r.head.headers.entries().capacity();
  r.reset();
  // What the keep-alive path relies on to stop allocating per request.
  EXPECT_GE(r.request_id.capacity(), id_capacity);
  EXPECT_GE(r.head.url.capacity(), url_capacity);
  EXPECT_GE(r.head.headers.entries().capacity(), header_capacity);
  EXPECT_GE(id_capacity, 32U);  // a generated id does not fit the small-string buffer
}

}  // namespace
}  // namespace metrogw::gateway
