// Crash behaviour: a torn last line is cut off on open; a damaged complete last record refuses to
// open (fail closed); every record acknowledged before kill -9 is in the file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <set>
#include <thread>

#include "tests/audit/test_util.h"

namespace metrogw::audit {
namespace {

using test::TempDir;

TEST(AuditCrash, TornLastLineIsCutAndTheChainContinues) {
  TempDir tmp;
  const auto c = test::auditConfig(tmp.path());
  {
    auto log = Log::open(c, "nanjing");
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(log.value()->append(test::readEvent(i)).isOk());
  }
  const std::string path = listFiles(c.directory)->back();
  const std::string intact = test::slurp(path);
  test::spit(path, intact + R"({"seq":4,"time_ms":17639)");  // a write cut short by a crash
  EXPECT_FALSE(verifyFiles({path})->ok);
  {
    auto log = Log::open(c, "nanjing");
    ASSERT_TRUE(log.isOk()) << log.status().toString();
    EXPECT_EQ(log.value()->lastSeq(), 3u);
    ASSERT_TRUE(log.value()->append(test::readEvent(4)).isOk());
  }
  EXPECT_EQ(test::slurp(path), intact);
  const auto report = verifyFiles(listFiles(c.directory).value());
  EXPECT_TRUE(report->ok) << report->what;
  EXPECT_EQ(report->last_seq, 4u);
}

TEST(AuditCrash, FileHoldingOnlyATornLineIsRemoved) {
  TempDir tmp;
  const auto c = test::auditConfig(tmp.path());
  {
    auto log = Log::open(c, "nanjing");
    ASSERT_TRUE(log.value()->append(test::readEvent(1)).isOk());
  }
  test::spit(c.directory + "/audit-0000000000000002.jsonl", R"({"seq":2,"ti)");
  {
    auto log = Log::open(c, "nanjing");
    ASSERT_TRUE(log.isOk());
    EXPECT_EQ(log.value()->lastSeq(), 1u);
    ASSERT_TRUE(log.value()->append(test::readEvent(2)).isOk());
  }
  EXPECT_TRUE(verifyFiles(listFiles(c.directory).value())->ok);
}

TEST(AuditCrash, DamagedLastRecordRefusesToOpen) {
  TempDir tmp;
  const auto c = test::auditConfig(tmp.path());
  {
    auto log = Log::open(c, "nanjing");
    for (int i = 1; i <= 2; ++i) ASSERT_TRUE(log.value()->append(test::readEvent(i)).isOk());
  }
  const std::string path = listFiles(c.directory)->back();
  std::string text = test::slurp(path);
  text[text.size() - 20] ^= 0x01;
  test::spit(path, text);
  const auto log = Log::open(c, "nanjing");
  ASSERT_FALSE(log.isOk());
  EXPECT_NE(log.status().message().find("damaged"), std::string::npos);
}

// The child appends records and acknowledges each seq over a pipe once append() returned ok; the
// parent SIGKILLs it mid-stream and checks every acknowledged record is in the file.
TEST(AuditCrash, AcknowledgedRecordsSurviveKill9) {
  TempDir tmp;
  auto c = test::auditConfig(tmp.path());
  c.fsync_interval = std::chrono::hours(1);  // no fsync: write(2) alone must be enough for kill -9
  c.fsync_every = 1'000'000;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    auto log = Log::open(c, "nanjing");
    if (!log.isOk()) ::_exit(3);
    for (int i = 1;; ++i) {
      if (!log.value()->append(test::readEvent(i)).isOk()) ::_exit(4);
      const uint64_t seq = log.value()->lastSeq();
      if (::write(fds[1], &seq, sizeof(seq)) != sizeof(seq)) ::_exit(5);
    }
  }
  ::close(fds[1]);
  std::set<uint64_t> acked;
  uint64_t seq = 0;
  while (acked.size() < 500 && ::read(fds[0], &seq, sizeof(seq)) == sizeof(seq)) acked.insert(seq);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  while (::read(fds[0], &seq, sizeof(seq)) == sizeof(seq)) acked.insert(seq);  // acks sent before the kill
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_GE(acked.size(), 500u);

  const auto files = listFiles(c.directory).value();
  auto records = query(files, "k1.patient-a");
  ASSERT_TRUE(records.isOk());
  std::set<uint64_t> found;
  for (const auto& r : records.value()) found.insert(r.seq);
  for (const uint64_t s : acked) ASSERT_TRUE(found.count(s)) << "acknowledged seq " << s << " is missing";
  // The log reopens (the flock died with the child) and continues the chain.
  auto log = Log::open(c, "nanjing");
  ASSERT_TRUE(log.isOk()) << log.status().toString();
  EXPECT_GE(log.value()->lastSeq(), *acked.rbegin());
  ASSERT_TRUE(log.value()->append(test::readEvent(0)).isOk());
  EXPECT_TRUE(verifyFiles(listFiles(c.directory).value())->ok);
}

}  // namespace
}  // namespace metrogw::audit
