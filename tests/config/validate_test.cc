// Tests for the single-value checks behind the loader: host:port, paths, templates, names, files.
#include "config/internal/validate.h"

#include <gtest/gtest.h>

namespace metrogw::config::internal {
namespace {

TEST(ValidateTest, ParseHostPortAcceptsNamesV4AndBracketedV6) {
  auto a = parseHostPort("db.example.org:5432");
  ASSERT_TRUE(a.isOk());
  EXPECT_EQ(a->host, "db.example.org");
  EXPECT_EQ(a->port, 5432);
  auto b = parseHostPort("127.0.0.1:1");
  ASSERT_TRUE(b.isOk());
  EXPECT_EQ(b->host, "127.0.0.1");
  auto c = parseHostPort("[fe80::1]:65535");
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(c->host, "fe80::1");
  EXPECT_EQ(c->port, 65535);
}

TEST(ValidateTest, ParseHostPortRejects) {
  for (const char* bad : {"", ":80", "h:", "h:+80", "h:-1", "h:0", "h:65536", "h: 80", "[::1]",
                          "[::1]:", "[zz]:80", "[::1:80", "::1:80", ".h:80", "-h:80", "h/x:80"}) {
    EXPECT_FALSE(parseHostPort(bad).isOk()) << bad;
  }
}

TEST(ValidateTest, PathTemplates) {
  EXPECT_TRUE(checkPathTemplate("/v1/hospitals/{id}").isOk());
  EXPECT_TRUE(checkPathTemplate("/v1/{a}/b/{B_2}/").isOk());
  EXPECT_TRUE(checkPathTemplate("/plain").isOk());
  for (const char* bad : {"/{}", "/{a", "/a}", "/{a}b", "/x{a}", "/{a/b}", "/{a.b}", "/{a}/{a}", "/{{a}}"}) {
    EXPECT_FALSE(checkPathTemplate(bad).isOk()) << bad;
  }
}

TEST(ValidateTest, Paths) {
  EXPECT_TRUE(checkPath("/").isOk());
  EXPECT_FALSE(checkPath("").isOk());
  EXPECT_FALSE(checkPath("v1").isOk());
  EXPECT_FALSE(checkPath("/a?b").isOk());
  EXPECT_FALSE(checkPath("/a#b").isOk());
  EXPECT_FALSE(checkPath("/a\tb").isOk());
}

TEST(ValidateTest, NamesMethodsLevelsAddresses) {
  EXPECT_TRUE(isNodeName("gw-1.wuhan_a"));
  EXPECT_FALSE(isNodeName(""));
  EXPECT_FALSE(isNodeName("gw/1"));
  EXPECT_TRUE(isKnownMethod("OPTIONS"));
  EXPECT_FALSE(isKnownMethod("Get"));
  EXPECT_FALSE(isKnownMethod("CONNECT"));
  EXPECT_TRUE(isLogLevel("warn"));
  EXPECT_FALSE(isLogLevel("warning"));
  EXPECT_TRUE(isIpLiteral("0.0.0.0"));
  EXPECT_TRUE(isIpLiteral("::"));
  EXPECT_FALSE(isIpLiteral("[::1]"));
  EXPECT_FALSE(isIpLiteral("localhost"));
  EXPECT_FALSE(isIpLiteral("1.2.3.4.5"));
}

TEST(ValidateTest, CheckReadable) {
  EXPECT_FALSE(checkReadable("").isOk());
  EXPECT_FALSE(checkReadable("/nonexistent/metrogw/file.pem").isOk());
  EXPECT_FALSE(checkReadable("/").isOk());
  EXPECT_TRUE(checkReadable(std::string(METROGW_SOURCE_DIR) + "/CMakeLists.txt").isOk());
}

}  // namespace
}  // namespace metrogw::config::internal
