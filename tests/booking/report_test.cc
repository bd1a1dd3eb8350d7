// The bookings report: stats hash → CSV in the published tables' layout, and the CLI against a real
// redis-server.
#include "booking/report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/redis/redis_server.h"

namespace metrogw::booking {
namespace {

TEST(ReportTest, RendersThePublishedLayoutRankedByTotal) {
  auto counts = parseBookingStats({{"南京鼓楼医院|online_12320", "6778"},
                                   {"南京鼓楼医院|in_clinic", "8603"},
                                   {"南京市第一医院|online_12320", "734"},
                                   {"南京市第一医院|third_party", "542"}});
  ASSERT_TRUE(counts.isOk()) << counts.status().toString();
  EXPECT_EQ(renderBookingsCsv(*counts),
            "rank,hospital,online_12320,quick_booking,in_clinic,third_party,total\n"
            "1,南京鼓楼医院,6778,0,8603,0,15381\n"
            "2,南京市第一医院,734,0,0,542,1276\n");
}

TEST(ReportTest, OtherChannelsGetTheirOwnColumnsAndNamesAreQuoted) {
  auto counts = parseBookingStats({{"H, with comma|phone", "2"}, {"H2|partner", "1"}, {"H2|phone", "1"}});
  ASSERT_TRUE(counts.isOk());
  EXPECT_EQ(renderBookingsCsv(*counts),
            "rank,hospital,online_12320,quick_booking,in_clinic,third_party,partner,phone,total\n"
            "1,\"H, with comma\",0,0,0,0,0,2,2\n"
            "2,H2,0,0,0,0,1,1,2\n");
}

TEST(ReportTest, EmptyMonthIsJustTheHeader) {
  EXPECT_EQ(renderBookingsCsv({}), "rank,hospital,online_12320,quick_booking,in_clinic,third_party,total\n");
}

TEST(ReportTest, RefusesMalformedFields) {
  EXPECT_FALSE(parseBookingStats({{"no-bar", "1"}}).isOk());
  EXPECT_FALSE(parseBookingStats({{"H|web", "-1"}}).isOk());
  EXPECT_FALSE(parseBookingStats({{"H|web", "x"}}).isOk());
}

TEST(ReportTest, ValidatesMonths) {
  EXPECT_TRUE(validMonth("2025-03"));
  EXPECT_FALSE(validMonth("2025-13"));
  EXPECT_FALSE(validMonth("2025-3"));
  EXPECT_FALSE(validMonth("202503"));
}

std::string runCli(std::vector<std::string> args, int& rc) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  testing::internal::CaptureStdout();
  rc = runReportCli(static_cast<int>(argv.size()), argv.data());
  return testing::internal::GetCapturedStdout();
}

TEST(ReportCliTest, PrintsTheMonthFromRedis) {
  if (!redis::test::RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  redis::test::RedisServer server;
  ASSERT_TRUE(server.start());
  const timeval tv{1, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", server.port(), tv);
  ASSERT_TRUE(c != nullptr && c->err == 0);
  freeReplyObject(redisCommand(c, "SELECT 2"));
  freeReplyObject(redisCommand(c, "HSET t:pool:stats:2026-11 3201001|online_12320 5 3201001|third_party 2"));
  freeReplyObject(redisCommand(c, "HSET t:pool:stats:2026-10 3201001|online_12320 9"));
  redisFree(c);
  int rc = -1;
  const std::string out =
      runCli({"report", "bookings", "--month", "2026-11", "--redis",
              "127.0.0.1:" + std::to_string(server.port()), "--db", "2", "--prefix", "t:"},
             rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out,
            "rank,hospital,online_12320,quick_booking,in_clinic,third_party,total\n"
            "1,3201001,5,0,0,2,7\n");
}

TEST(ReportCliTest, BadArgumentsExit2AndUnreachableRedisExit1) {
  int rc = -1;
  (void)runCli({"report", "bookings", "--month", "March"}, rc);
  EXPECT_EQ(rc, 2);
  (void)runCli({"report", "nothing"}, rc);
  EXPECT_EQ(rc, 2);
  (void)runCli({"report", "bookings", "--month", "2026-11", "--redis",
                "127.0.0.1:" + std::to_string(redis::test::RedisServer::freePort())},
               rc);
  EXPECT_EQ(rc, 1);
}

}  // namespace
}  // namespace metrogw::booking
