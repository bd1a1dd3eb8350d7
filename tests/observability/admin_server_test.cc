// Tests for the admin server: real HTTP requests over loopback to a server bound on port 0.
#include "observability/admin_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <string>

namespace metrogw::observability {
namespace {

using ::testing::HasSubstr;

struct HttpResponse {
  int status = 0;                              // 0: no parsable response
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  [[nodiscard]] std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "<missing>" : it->second;
  }
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

HttpResponse parseResponse(const std::string& raw) {
  HttpResponse r;
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 9, "HTTP/1.1 ") != 0 || head_end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  size_t pos = raw.find("\r\n") + 2;
  while (pos < head_end) {
    const size_t eol = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      r.headers[lower(line.substr(0, colon))] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    pos = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

// A blocking one-shot HTTP/1.1 client with 5 s send/receive timeouts; reads until the server closes.
HttpResponse request(uint16_t port, const std::string& method, const std::string& target) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  const timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string raw;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string req = method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char buf[4096];
      for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) raw.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return parseResponse(raw);
}

HttpResponse get(uint16_t port, const std::string& target) { return request(port, "GET", target); }

class AdminServerTest : public ::testing::Test {
 protected:
  void start() {
    ASSERT_TRUE(server_.start("127.0.0.1", 0).isOk());
    ASSERT_NE(server_.port(), 0);
  }

  Registry registry_{2};
  AdminServer server_{registry_};
};

TEST_F(AdminServerTest, MetricsServesTheRegistry) {
  const FamilyId f = registry_.addCounter("metrogw_admin_test_total", "Test.", {"route"});
  registry_.counter(f, 0, {"a"}).inc(4);
  start();
  registry_.counter(f, 1, {"a"}).inc(3);  // scrapes see writes made after start
  const HttpResponse r = get(server_.port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr("\nmetrogw_admin_test_total{route=\"a\"} 7\n"));
}

TEST_F(AdminServerTest, HealthzAnswersOk) {
  start();
  const HttpResponse r = get(server_.port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
}

TEST_F(AdminServerTest, HeadHasNoBody) {
  start();
  const HttpResponse r = request(server_.port(), "HEAD", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), "3");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(request(server_.port(), "HEAD", "/nope").status, 404);
}

TEST_F(AdminServerTest, ReadyzFollowsDraining) {
  start();
  HttpResponse r = get(server_.port(), "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ready\n");
  server_.setDraining(true);
  r = get(server_.port(), "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "draining\n");
  server_.setDraining(false);
  EXPECT_EQ(get(server_.port(), "/readyz").status, 200);
  EXPECT_EQ(get(server_.port(), "/healthz").status, 200);  // alive either way
}

TEST_F(AdminServerTest, ReadyzListsFailingChecks) {
  std::mutex mu;
  std::string redis_reason = "redis: not connected";
  server_.addReadinessCheck([] { return std::string(); });
  server_.addReadinessCheck([&] {
    const std::lock_guard<std::mutex> lock(mu);
    return redis_reason;
  });
  server_.addReadinessCheck([] { return std::string("tls: no certificate loaded"); });
  start();
  const HttpResponse r = get(server_.port(), "/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "redis: not connected\ntls: no certificate loaded\n");
}

TEST_F(AdminServerTest, CustomHandlerByExactPath) {
  server_.addHandler("/config", [] { return AdminResponse{200, "application/json", R"({"routes":3})"}; });
  start();
  HttpResponse r = get(server_.port(), "/config?verbose=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.body, R"({"routes":3})");
  EXPECT_EQ(get(server_.port(), "/config/").status, 404);
}

TEST_F(AdminServerTest, UnknownPathIsProblem404) {
  start();
  const HttpResponse r = get(server_.port(), "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.body, R"({"type":"urn:metrogw:problem:not-found","title":"Not Found","status":404})");
}

TEST_F(AdminServerTest, OtherMethodsAreProblem405) {
  start();
  for (const char* method : {"POST", "DELETE", "PUT"}) {
    const HttpResponse r = request(server_.port(), method, "/metrics");
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(r.header("allow"), "GET, HEAD");
    EXPECT_EQ(
        r.body,
        R"({"type":"urn:metrogw:problem:method-not-allowed","title":"Method Not Allowed","status":405})");
  }
}

TEST_F(AdminServerTest, StopIsIdempotentAndClosesThePort) {
  start();
  const uint16_t port = server_.port();
  EXPECT_FALSE(server_.start("127.0.0.1", 0).isOk());  // single use
  server_.stop();
  server_.stop();
  EXPECT_EQ(get(port, "/healthz").status, 0);
}

TEST_F(AdminServerTest, BindFailureIsReported) {
  start();
  AdminServer second(registry_);
  const Status s = second.start("127.0.0.1", server_.port());
  EXPECT_FALSE(s.isOk());
  EXPECT_THAT(s.message(), HasSubstr("127.0.0.1:" + std::to_string(server_.port())));
  EXPECT_EQ(get(server_.port(), "/healthz").status, 200);
}

TEST(AdminServerLifecycleTest, DestructorWithoutStartIsFine) {
  Registry registry(1);
  AdminServer server(registry);
  EXPECT_EQ(server.port(), 0);
}

}  // namespace
}  // namespace metrogw::observability
