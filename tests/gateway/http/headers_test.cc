// Tests for HeaderMap (case-insensitive access, comma-list tokens) and hop-by-hop stripping.
#include "gateway/http/headers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace metrogw::gateway::http {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> names(const HeaderMap& headers) {
  std::vector<std::string> out;
  for (const auto& h : headers.entries()) out.push_back(h.name);
  return out;
}

TEST(IequalsTest, ComparesAsciiCaseInsensitively) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("Host", "Hosts"));
  EXPECT_FALSE(iequals("a-b", "a_b"));
}

TEST(HeaderMapTest, GetIsCaseInsensitiveAndReturnsFirstOfDuplicates) {
  HeaderMap h;
  h.add("Set-Cookie", "a=1");
  h.add("set-cookie", "b=2");
  h.add("Host", "example.org");
  ASSERT_NE(h.get("HOST"), nullptr);
  EXPECT_EQ(*h.get("HOST"), "example.org");
  ASSERT_NE(h.get("SET-COOKIE"), nullptr);
  EXPECT_EQ(*h.get("SET-COOKIE"), "a=1");
  EXPECT_EQ(h.get("Cookie"), nullptr);
  EXPECT_EQ(h.size(), 3u);
}

TEST(HeaderMapTest, SetReplacesEveryCaseVariantAndAppends) {
  HeaderMap h;
  h.add("X-Id", "1");
  h.add("Accept", "*/*");
  h.add("x-id", "2");
  h.set("X-ID", "3");
  EXPECT_THAT(names(h), ElementsAre("Accept", "X-ID"));
  EXPECT_EQ(*h.get("x-id"), "3");

  h.set("New", "v");
  EXPECT_THAT(names(h), ElementsAre("Accept", "X-ID", "New"));
}

TEST(HeaderMapTest, RemoveDropsEveryCaseVariantAndKeepsOrder) {
  HeaderMap h;
  h.add("A", "1");
  h.add("Via", "x");
  h.add("B", "2");
  h.add("VIA", "y");
  h.remove("via");
  EXPECT_THAT(names(h), ElementsAre("A", "B"));
  h.remove("absent");  // no-op
  EXPECT_EQ(h.size(), 2u);
  h.clear();
  EXPECT_EQ(h.size(), 0u);
}

TEST(HeaderMapTest, HasTokenSplitsCommaListsAndTrimsWhitespace) {
  HeaderMap h;
  h.add("Connection", "keep-alive ,\tUpgrade");
  h.add("Expect", "100-Continue");
  EXPECT_TRUE(h.hasToken("connection", "Keep-Alive"));
  EXPECT_TRUE(h.hasToken("CONNECTION", "upgrade"));
  EXPECT_TRUE(h.hasToken("expect", "100-continue"));
  EXPECT_FALSE(h.hasToken("connection", "close"));
  EXPECT_FALSE(h.hasToken("connection", "keep"));  // whole tokens only
  EXPECT_FALSE(h.hasToken("absent", "x"));
}

TEST(HeaderMapTest, HasTokenLooksAtEveryFieldLineAndSkipsEmptyElements) {
  HeaderMap h;
  h.add("Connection", " , ,");
  h.add("Connection", "close");
  EXPECT_TRUE(h.hasToken("Connection", "close"));
  EXPECT_FALSE(h.hasToken("Connection", ""));
}

TEST(HopByHopTest, RecognisesTheStandardListCaseInsensitively) {
  for (const char* name : {"Connection", "keep-alive", "Proxy-Connection", "TE", "Trailer",
                           "transfer-encoding", "Upgrade", "Proxy-Authenticate", "PROXY-AUTHORIZATION"}) {
    EXPECT_TRUE(isHopByHop(name)) << name;
  }
  for (const char* name : {"Host", "Content-Length", "Authorization", "Trailers", "X-Connection"}) {
    EXPECT_FALSE(isHopByHop(name)) << name;
  }
}

TEST(HopByHopTest, StripRemovesStandardHeadersAndThoseNamedInConnection) {
  HeaderMap h;
  h.add("Host", "api.example");
  h.add("Connection", "close, X-Secret");
  h.add("Keep-Alive", "timeout=5");
  h.add("x-secret", "s3cr3t");
  h.add("Transfer-Encoding", "chunked");
  h.add("TE", "trailers");
  h.add("Upgrade", "websocket");
  h.add("Proxy-Authorization", "Basic Zm9v");
  h.add("Content-Type", "application/fhir+json");
  h.add("X-SECRET", "again");
  stripHopByHop(h);
  EXPECT_THAT(names(h), ElementsAre("Host", "Content-Type"));
}

TEST(HopByHopTest, StripHonoursEveryConnectionLineAndSpaces) {
  HeaderMap h;
  h.add("Connection", "  X-A  ");
  h.add("X-A", "1");
  h.add("X-B", "2");
  h.add("connection", "x-b,,");
  h.add("X-C", "3");
  stripHopByHop(h);
  EXPECT_THAT(names(h), ElementsAre("X-C"));
}

TEST(HopByHopTest, StripWithoutConnectionKeepsEndToEndHeaders) {
  HeaderMap h;
  h.add("Authorization", "Bearer t");
  h.add("Accept", "*/*");
  stripHopByHop(h);
  EXPECT_THAT(names(h), ElementsAre("Authorization", "Accept"));
}

}  // namespace
}  // namespace metrogw::gateway::http
