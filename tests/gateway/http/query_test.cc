#include "gateway/http/query.h"

#include <gtest/gtest.h>

namespace metrogw::gateway::http {
namespace {

TEST(QueryParamsTest, ParsesAndDecodes) {
  auto q =
      QueryParams::parse("/v1/slots?department=04.03&city=3201%2C3405&name=%E5%8D%97+%E4%BA%AC&flag&=x#frag");
  ASSERT_TRUE(q.isOk()) << q.status().message();
  EXPECT_EQ(q->get("department").value(), "04.03");
  EXPECT_EQ(q->get("city").value(), "3201,3405");
  EXPECT_EQ(q->get("name").value(), "南 京");
  EXPECT_EQ(q->get("flag").value(), "");
  EXPECT_FALSE(q->get("missing").has_value());
  EXPECT_EQ(q->all().size(), 5u);
}

TEST(QueryParamsTest, NoQueryIsEmpty) {
  auto q = QueryParams::parse("/v1/hospitals");
  ASSERT_TRUE(q.isOk());
  EXPECT_TRUE(q->all().empty());
}

TEST(QueryParamsTest, BadEscapesAreErrors) {
  EXPECT_FALSE(QueryParams::parse("/x?a=%G1").isOk());
  EXPECT_FALSE(QueryParams::parse("/x?a=%4").isOk());
  EXPECT_FALSE(QueryParams::parse("/x?a=%").isOk());
  auto bad = QueryParams::parse("/x?from=%zz");
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("parameter 'from'"), std::string::npos);
}

TEST(PercentTest, EncodeDecodeRoundTrip) {
  const std::string raw = "2.16.156.10011.1.3|3201 x/y?&=南";
  const std::string enc = percentEncode(raw);
  EXPECT_EQ(enc.find_first_of("|/?&= "), std::string::npos) << enc;
  EXPECT_EQ(percentDecode(enc, false).value(), raw);
  EXPECT_EQ(percentDecode("a+b", false).value(), "a+b");
}

}  // namespace
}  // namespace metrogw::gateway::http
