#include "adapters/hl7v2/er7.h"

#include <gtest/gtest.h>

#include "adapters/hl7v2/internal/charset.h"
#include "adapters/hl7v2/writer.h"

namespace metrogw::adapters::hl7v2 {
namespace {

constexpr std::string_view kSimple =
    "MSH|^~\\&|LIS|WHYY|||20241006092900+0800||ORU^R01|M1|P|2.5\r"
    "PID|1||A1^^^&2.16.156.10011.1.3&ISO^NNCHN~B2^^^HOSP^MR||Li&Xiao^Ming||19800101|M\r"
    "OBX|1|ST|X^Y^L||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g\\X414243\\h\\H\\i\r";

TEST(Er7Test, SplitsFieldsComponentsRepetitionsSubcomponents) {
  auto msg = Message::parse(kSimple);
  ASSERT_TRUE(msg.isOk()) << msg.status().message();
  ASSERT_EQ(msg->segments().size(), 3u);
  const Segment& msh = msg->msh();
  EXPECT_EQ(msh.str(1), "|");
  EXPECT_EQ(msh.field(2).raw(), "^~\\&");
  EXPECT_EQ(msh.str(9, 1), "ORU");
  EXPECT_EQ(msh.str(9, 2), "R01");
  EXPECT_EQ(msh.str(10), "M1");
  const Segment* pid = msg->find("PID");
  ASSERT_NE(pid, nullptr);
  EXPECT_EQ(pid->field(3).repCount(), 2u);
  EXPECT_EQ(pid->field(3).rep(0).comp(1).str(), "A1");
  EXPECT_EQ(pid->field(3).rep(0).comp(4).sub(2).str(), "2.16.156.10011.1.3");
  EXPECT_EQ(pid->field(3).rep(1).comp(5).str(), "MR");
  EXPECT_EQ(pid->str(5, 1, 1), "Li");
  EXPECT_EQ(pid->str(5, 1, 2), "Xiao");
  EXPECT_EQ(pid->str(5, 2), "Ming");
  EXPECT_TRUE(pid->field(4).empty());
  EXPECT_TRUE(pid->field(40).empty());
  EXPECT_EQ(pid->str(8), "M");
  EXPECT_EQ(pid->occurrence(), 1);
}

TEST(Er7Test, DecodesEscapesAndKeepsUnknownOnes) {
  auto msg = Message::parse(kSimple);
  ASSERT_TRUE(msg.isOk());
  EXPECT_EQ(msg->find("OBX")->str(5), "a|b^c&d~e\\f\ngABCh\\H\\i");
}

TEST(Er7Test, SegmentTerminatorsCrLfCrlfGiveTheSameFields) {
  std::string lf(kSimple), crlf;
  std::replace(lf.begin(), lf.end(), '\r', '\n');
  for (char c : std::string(kSimple)) crlf += c == '\r' ? std::string("\r\n") : std::string(1, c);
  for (const std::string& text : {std::string(kSimple), lf, crlf}) {
    auto msg = Message::parse(text);
    ASSERT_TRUE(msg.isOk()) << msg.status().message();
    ASSERT_EQ(msg->segments().size(), 3u);
    EXPECT_EQ(msg->find("OBX")->str(3, 1), "X");
    EXPECT_EQ(msg->find("PID")->str(8), "M");
  }
}

TEST(Er7Test, OtherDelimitersAndBom) {
  auto msg = Message::parse("\xEF\xBB\xBFMSH#:*!$#A#B\nPID#1##x:y*z:w$v!S!q\n");
  ASSERT_TRUE(msg.isOk()) << msg.status().message();
  const Segment* pid = msg->find("PID");
  EXPECT_EQ(pid->field(3).rep(1).comp(1).str(), "z");
  EXPECT_EQ(pid->get(3, 2, 1).str(), "y");
  EXPECT_EQ(pid->field(3).rep(1).comp(2).sub(2).str(), "v:q");
}

TEST(Er7Test, Gb18030IsConvertedToUtf8) {
  const std::string utf8 =
      "MSH|^~\\&|HIS|芜湖|||20240101||ADT^A04|1|P|2.5||||||GB18030\rPID|1||1||张三丰||19800101|M\r";
  auto gb = internal::utf8ToGb18030(utf8);
  ASSERT_TRUE(gb.isOk());
  ASSERT_NE(*gb, utf8);
  auto msg = Message::parse(*gb);
  ASSERT_TRUE(msg.isOk()) << msg.status().message();
  EXPECT_EQ(msg->find("PID")->str(5), "张三丰");
  EXPECT_EQ(msg->msh().str(4), "芜湖");
}

TEST(Er7Test, Errors) {
  struct Case {
    std::string text;
    std::string prefix;
  };
  const Case cases[] = {
      {"PID|1\r", "MSH[1]:"},
      {"", "MSH[1]:"},
      {"MSHA^~\\&|x\r", "MSH[1]-1:"},
      {"MSH|^~^&|x\r", "MSH[1]-2:"},
      {"MSH|^~\\|x\r", "MSH[1]-2:"},
      {"MSH|^~\\&|A||||||ORU^R01|1|P|2.5||||||KOI8-R\r", "MSH[1]-18:"},
      {"MSH|^~\\&|A\rPID|1||x^y\\Fz\r", "PID[1]-3.2: unterminated escape sequence"},
      {"MSH|^~\\&|A\rOBX|1\rOBX|2|ST|a&b\\X4\\\r", "OBX[2]-3.1.2: bad hexadecimal"},
      {"MSH|^~\\&|A\rpid|1\r", "segment[2]:"},
      {"MSH|^~\\&|A\rPIDX|1\r", "segment[2]:"},
      {"MSH|^~\\&|A\rMSH|^~\\&|B\r", "MSH[2]:"},
      {"MSH|^~\\&|A|\xC3(|\r", "MSH[1]-18: text is not valid UTF-8"},
  };
  for (const Case& c : cases) {
    auto msg = Message::parse(c.text);
    ASSERT_FALSE(msg.isOk()) << c.text;
    EXPECT_EQ(msg.status().message().rfind(c.prefix, 0), 0u) << msg.status().message();
  }
}

TEST(Er7Test, Limits) {
  Limits limits;
  limits.max_segments = 2;
  EXPECT_EQ(Message::parse("MSH|^~\\&|A\rPID|1\rPV1|1\r", limits).status().code(),
            StatusCode::kResourceExhausted);
  limits = Limits{};
  limits.max_fields = 3;
  EXPECT_FALSE(Message::parse("MSH|^~\\&|A\rPID|1|2|3|4\r", limits).isOk());
  limits = Limits{};
  limits.max_bytes = 10;
  EXPECT_FALSE(Message::parse(kSimple, limits).isOk());
}

TEST(Er7WriterTest, EscapesAndRoundTrips) {
  MessageBuilder b;
  b.add("MSH").set(9, 1, "ORU").set(9, 2, "R01").set(10, "M|1");
  b.add("PID").set(5, 1, 1, "Li").set(5, 1, 2, "X^Y").set(5, 2, "a&b~c\\d\ne\rf").setRep(13, 1, 1, 0, "555");
  const std::string text = b.finish();
  EXPECT_EQ(text.substr(0, 9), "MSH|^~\\&|");
  auto msg = Message::parse(text);
  ASSERT_TRUE(msg.isOk()) << msg.status().message();
  EXPECT_EQ(msg->msh().str(10), "M|1");
  const Segment* pid = msg->find("PID");
  EXPECT_EQ(pid->str(5, 1, 2), "X^Y");
  EXPECT_EQ(pid->str(5, 2), "a&b~c\\d\ne\rf");
  EXPECT_EQ(pid->field(13).rep(1).str(), "555");
  EXPECT_EQ(pid->field(5).raw(), "Li&X\\S\\Y^a\\T\\b\\R\\c\\E\\d\\.br\\e\\X0D\\f");
}

}  // namespace
}  // namespace metrogw::adapters::hl7v2
