#include "adapters/hl7v2/mllp.h"

#include <gtest/gtest.h>

namespace metrogw::adapters::hl7v2 {
namespace {

TEST(MllpTest, FramesAndDecodesWholeAndSplitFeeds) {
  const std::string a = "MSH|^~\\&|A\rPID|1\r";
  const std::string b = "MSH|^~\\&|B\r";
  const std::string stream = mllpFrame(a) + mllpFrame(b);
  EXPECT_EQ(mllpFrame(a), "\x0b" + a + "\x1c\r");
  for (size_t step : {size_t{1}, size_t{2}, size_t{5}, stream.size()}) {
    MllpDecoder dec;
    std::vector<std::string> out;
    for (size_t i = 0; i < stream.size(); i += step) {
      ASSERT_TRUE(dec.feed(std::string_view(stream).substr(i, step), out).isOk());
    }
    ASSERT_EQ(out.size(), 2u) << step;
    EXPECT_EQ(out[0], a);
    EXPECT_EQ(out[1], b);
    EXPECT_TRUE(dec.idle());
  }
}

TEST(MllpTest, PartialFrameIsNotIdle) {
  MllpDecoder dec;
  std::vector<std::string> out;
  ASSERT_TRUE(dec.feed("\x0bMSH|", out).isOk());
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(dec.idle());
  ASSERT_TRUE(dec.feed("x\x1c", out).isOk());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(dec.feed("\r", out).isOk());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "MSH|x");
}

TEST(MllpTest, GarbageBeforeStartIsAnError) {
  MllpDecoder dec;
  std::vector<std::string> out;
  Status s = dec.feed(
      "\x0b"
      "a\x1c\rxx\x0b",
      out);
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.message().rfind("mllp+4:", 0), 0u) << s.message();
  EXPECT_EQ(out.size(), 1u);
  EXPECT_TRUE(dec.failed());
  EXPECT_FALSE(dec.feed("\x0b", out).isOk());
  dec.reset();
  EXPECT_TRUE(dec.feed("\x0b", out).isOk());
}

TEST(MllpTest, EndBlockWithoutCrIsAnError) {
  MllpDecoder dec;
  std::vector<std::string> out;
  EXPECT_FALSE(dec.feed("\x0b"
                        "abc\x1cZ",
                        out)
                   .isOk());
}

TEST(MllpTest, OversizeFrameIsRefusedAcrossFeeds) {
  MllpDecoder dec(8);
  std::vector<std::string> out;
  ASSERT_TRUE(dec.feed("\x0b"
                       "12345",
                       out)
                  .isOk());
  Status s = dec.feed("6789", out);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  MllpDecoder ok(8);
  ASSERT_TRUE(ok.feed("\x0b"
                      "12345678\x1c\r",
                      out)
                  .isOk());
  EXPECT_EQ(out.back(), "12345678");
}

}  // namespace
}  // namespace metrogw::adapters::hl7v2
