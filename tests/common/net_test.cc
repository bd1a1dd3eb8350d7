// resolveTcp: literals of both families, localhost, passive wildcard, and a failure that says why.
#include "common/net.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

namespace metrogw {
namespace {

TEST(ResolveTcp, Ipv4LiteralKeepsAddressAndPort) {
  auto a = resolveTcp("192.0.2.7", 8443);
  ASSERT_TRUE(a.isOk()) << a.status().message();
  ASSERT_EQ(a->family(), AF_INET);
  ASSERT_EQ(a->len, sizeof(sockaddr_in));
  const auto* in = reinterpret_cast<const sockaddr_in*>(a->get());
  char text[INET_ADDRSTRLEN] = {};
  ASSERT_NE(inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)), nullptr);
  EXPECT_STREQ(text, "192.0.2.7");
  EXPECT_EQ(ntohs(in->sin_port), 8443);
}

TEST(ResolveTcp, Ipv6Literal) {
  auto a = resolveTcp("::1", 80);
  ASSERT_TRUE(a.isOk()) << a.status().message();
  EXPECT_EQ(a->family(), AF_INET6);
  EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in6*>(a->get())->sin6_port), 80);
}

TEST(ResolveTcp, LocalhostResolvesToALoopbackAddress) {
  auto a = resolveTcp("localhost", 6379);
  ASSERT_TRUE(a.isOk()) << a.status().message();
  if (a->family() == AF_INET) {
    EXPECT_EQ(ntohl(reinterpret_cast<const sockaddr_in*>(a->get())->sin_addr.s_addr) >> 24, 127U);
  } else {
    ASSERT_EQ(a->family(), AF_INET6);
    EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(a->get())->sin6_addr));
  }
}

TEST(ResolveTcp, BindForTheWildcardAddress) {
  auto a = resolveTcp("0.0.0.0", 0, ResolveFor::kBind);
  ASSERT_TRUE(a.isOk()) << a.status().message();
  EXPECT_EQ(reinterpret_cast<const sockaddr_in*>(a->get())->sin_addr.s_addr, htonl(INADDR_ANY));
}

TEST(ResolveTcp, AnUnknownNameFailsWithTheResolverReason) {
  // .invalid is reserved (RFC 6761): it never resolves. Without a network the resolver gives up
  // after its own timeouts (resolv.conf), so this can be slow but cannot hang.
  auto a = resolveTcp("no-such-host.invalid", 80);
  ASSERT_FALSE(a.isOk());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(a.status().message().empty());
}

}  // namespace
}  // namespace metrogw
