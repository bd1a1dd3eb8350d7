#include "federation/north_query.h"

#include <gtest/gtest.h>

namespace metrogw::federation {
namespace {

using gateway::http::QueryParams;

QueryParams params(const char* target) { return QueryParams::parse(target).value(); }

constexpr int64_t kNow = 1795392000;  // 2026-11-21T08:00:00+08:00

TEST(NorthQueryTest, SlotDefaultsAndParameters) {
  auto q = parseSlotQuery(params("/v1/slots?department=04.03"), kNow);
  ASSERT_TRUE(q.isOk()) << q.status().message();
  EXPECT_EQ(q->kind, model::QueryKind::Slots);
  EXPECT_EQ(q->department_code, "04.03");
  EXPECT_EQ(q->from, chinaTime(kNow));
  EXPECT_EQ(q->to, chinaTime(kNow + 14 * 86400));
  EXPECT_EQ(q->limit, 50);
  EXPECT_FALSE(q->family_doctor);
  auto full = parseSlotQuery(
      params(
          "/v1/"
          "slots?department=04.03&from=2026-11-24&to=2026-11-25T12:00:00%2B08:00&limit=7&family_doctor=true"
          "&organization=nj-h01"),
      kNow);
  ASSERT_TRUE(full.isOk()) << full.status().message();
  EXPECT_EQ(full->from, "2026-11-24T00:00:00+08:00");
  EXPECT_EQ(full->to, "2026-11-25T12:00:00+08:00");
  EXPECT_EQ(full->limit, 7);
  EXPECT_TRUE(full->family_doctor);
  EXPECT_EQ(full->organization_id, "nj-h01");
}

TEST(NorthQueryTest, ChinaTimeIsUtcPlusEight) {
  EXPECT_EQ(chinaTime(0), "1970-01-01T08:00:00+08:00");
  EXPECT_EQ(chinaTime(16 * 3600), "1970-01-02T00:00:00+08:00");
}

TEST(NorthQueryTest, BadParametersNameThemselves) {
  const std::pair<const char*, const char*> cases[] = {
      {"/v1/slots", "'department' is required"},
      {"/v1/slots?department=04.03&limit=0", "'limit'"},
      {"/v1/slots?department=04.03&limit=abc", "'limit'"},
      {"/v1/slots?department=04.03&from=tomorrow", "'from'"},
      {"/v1/slots?department=04.03&to=2026-13", "'to'"},
      {"/v1/slots?department=04.03&family_doctor=maybe", "'family_doctor'"},
      {"/v1/slots?department=04.03%26x%3D1", "'department'"},
      {"/v1/slots?department=04.03&organization=a/b", "'organization'"},
  };
  for (const auto& [target, needle] : cases) {
    auto q = parseSlotQuery(params(target), kNow);
    ASSERT_FALSE(q.isOk()) << target;
    EXPECT_NE(q.status().message().find(needle), std::string::npos) << target << ": " << q.status().message();
  }
}

TEST(NorthQueryTest, Cities) {
  const std::vector<std::string> known = {"3402", "3201", "3405"};
  EXPECT_EQ(parseCities(params("/v1/hospitals"), known).value(), known);
  EXPECT_EQ(parseCities(params("/v1/hospitals?city=3201,3201,3405"), known).value(),
            (std::vector<std::string>{"3201", "3405"}));
  auto bad = parseCities(params("/v1/hospitals?city=3201,1100"), known);
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().message().find("1100"), std::string::npos);
  EXPECT_FALSE(parseCities(params("/v1/hospitals?city="), known).isOk());
}

TEST(NorthQueryTest, Directory) {
  auto q = parseDirectoryQuery(params("/v1/hospitals?limit=20"));
  ASSERT_TRUE(q.isOk());
  EXPECT_EQ(q->kind, model::QueryKind::Organizations);
  EXPECT_EQ(q->limit, 20);
  EXPECT_FALSE(parseDirectoryQuery(params("/v1/hospitals?limit=501")).isOk());
}

}  // namespace
}  // namespace metrogw::federation
