// Log: append + verify, records read back, rotation, reopen, retention, concurrency, the directory lock.
#include <gtest/gtest.h>
#include <sys/time.h>

#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "observability/metrics.h"
#include "tests/audit/test_util.h"

namespace metrogw::audit {
namespace {

using test::auditConfig;
using test::readEvent;
using test::TempDir;

std::shared_ptr<Log> openLog(const config::Audit& c, const LogOptions& options = {}) {
  auto log = Log::open(c, "nanjing", options);
  EXPECT_TRUE(log.isOk()) << log.status().toString();
  return log.isOk() ? log.value() : nullptr;
}

VerifyReport verifyDir(const std::string& dir) {
  auto files = listFiles(dir);
  EXPECT_TRUE(files.isOk());
  auto report = verifyFiles(files.value());
  EXPECT_TRUE(report.isOk());
  return report.value();
}

TEST(AuditLog, AppendVerifyAndReadBack) {
  TempDir tmp;
  const auto c = auditConfig(tmp.path());
  {
    auto log = openLog(c);
    for (int i = 1; i <= 20; ++i) ASSERT_TRUE(log->append(readEvent(i, i % 2 ? "k1.a" : "k1.b")).isOk());
    EXPECT_EQ(log->lastSeq(), 20u);
  }
  const auto report = verifyDir(c.directory);
  EXPECT_TRUE(report.ok) << report.what;
  EXPECT_EQ(report.records, 20u);
  EXPECT_EQ(report.first_seq, 1u);
  EXPECT_EQ(report.last_seq, 20u);
  auto records = query(listFiles(c.directory).value(), "k1.b");
  ASSERT_TRUE(records.isOk());
  ASSERT_EQ(records->size(), 10u);
  const Record& r = records->front();
  EXPECT_EQ(r.seq, 2u);
  EXPECT_EQ(r.node, "nanjing");
  EXPECT_EQ(r.event.time_ms, readEvent(2).time_ms);
  EXPECT_EQ(r.event.caller, "CN=node.3405.metrogw");
  EXPECT_EQ(r.event.practitioner, "dr-li");
  EXPECT_EQ(r.event.decision, "permit");
  EXPECT_EQ(r.event.consent_id, "c-42");
  EXPECT_EQ(r.event.request_id, "req-2");
}

TEST(AuditLog, EscapesAndBreakGlassRoundTrip) {
  TempDir tmp;
  const auto c = auditConfig(tmp.path());
  Event e = readEvent(1);
  e.break_glass = true;
  e.break_glass_reason = "unconscious \"patient\"\n\\ ER";
  {
    auto log = openLog(c);
    ASSERT_TRUE(log->append(e).isOk());
  }
  auto records = query(listFiles(c.directory).value(), e.patient_token);
  ASSERT_EQ(records->size(), 1u);
  EXPECT_TRUE(records->front().event.break_glass);
  EXPECT_EQ(records->front().event.break_glass_reason, e.break_glass_reason);
  EXPECT_TRUE(verifyDir(c.directory).ok);
}

TEST(AuditLog, Sha256Chain) {
  TempDir tmp;
  auto c = auditConfig(tmp.path());
  c.hash = "sha256";
  {
    auto log = openLog(c);
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE(log->append(readEvent(i)).isOk());
  }
  EXPECT_TRUE(verifyDir(c.directory).ok);
  EXPECT_NE(test::slurp(listFiles(c.directory)->front()).find(R"("alg":"sha256")"), std::string::npos);
}

TEST(AuditLog, ChainContinuesAcrossRotationAndReopen) {
  TempDir tmp;
  auto c = auditConfig(tmp.path());
  c.max_file_bytes = 2'000;  // a few records per file
  for (int round = 0; round < 3; ++round) {
    auto log = openLog(c);
    for (int i = 1; i <= 10; ++i) ASSERT_TRUE(log->append(readEvent(i)).isOk());
    EXPECT_EQ(log->lastSeq(), static_cast<uint64_t>(10 * (round + 1)));
  }
  const auto files = listFiles(c.directory).value();
  EXPECT_GT(files.size(), 6u);
  const auto report = verifyDir(c.directory);
  EXPECT_TRUE(report.ok) << report.file << ":" << report.line << " " << report.what;
  EXPECT_EQ(report.records, 30u);
}

TEST(AuditLog, RotatesWhenTheDayChanges) {
  TempDir tmp;
  const auto c = auditConfig(tmp.path());
  auto now = std::make_shared<std::atomic<int64_t>>(1'763'900'000'000);
  auto log = openLog(c, {.now_ms = [now] { return now->load(); }});
  ASSERT_TRUE(log->append(readEvent(1)).isOk());
  ASSERT_TRUE(log->append(readEvent(2)).isOk());
  const std::string first = log->currentFile();
  *now += 86'400'000;
  ASSERT_TRUE(log->append(readEvent(3)).isOk());
  EXPECT_NE(log->currentFile(), first);
  EXPECT_EQ(listFiles(c.directory)->size(), 2u);
  EXPECT_TRUE(verifyDir(c.directory).ok);
}

TEST(AuditLog, RetentionDeletesOldFilesButNotTheNewest) {
  TempDir tmp;
  auto c = auditConfig(tmp.path());
  c.max_file_bytes = 1'000;
  c.retention_days = 180;
  const int64_t now = 1'763'900'000'000;
  {
    auto log = openLog(c, {.now_ms = [now] { return now; }});
    for (int i = 1; i <= 10; ++i) ASSERT_TRUE(log->append(readEvent(i)).isOk());
  }
  auto files = listFiles(c.directory).value();
  ASSERT_GE(files.size(), 4u);
  // Age every file but the last two past the retention period.
  const timeval old[2] = {{(now / 1000) - int64_t{181} * 86'400, 0},
                          {(now / 1000) - int64_t{181} * 86'400, 0}};
  for (size_t i = 0; i + 2 < files.size(); ++i) ASSERT_EQ(::utimes(files[i].c_str(), old), 0);
  ASSERT_EQ(::utimes(files.back().c_str(), old), 0);  // the chain head is kept however old
  observability::Registry registry(1);
  {
    auto log = openLog(c, {.metrics = &registry, .now_ms = [now] { return now; }});
    ASSERT_TRUE(log->append(readEvent(11)).isOk());
  }
  const auto left = listFiles(c.directory).value();
  EXPECT_EQ(left.size(), 3u);  // the second newest, the old head, the new file
  EXPECT_EQ(left[0], files[files.size() - 2]);
  EXPECT_NE(
      registry.renderText().find("metrogw_audit_retention_deleted_total " + std::to_string(files.size() - 2)),
      std::string::npos);
  const auto report = verifyDir(c.directory);  // what is left still chains
  EXPECT_TRUE(report.ok) << report.what;
  EXPECT_EQ(report.last_seq, 11u);
}

TEST(AuditLog, ConcurrentAppendsKeepOneChain) {
  TempDir tmp;
  auto c = auditConfig(tmp.path());
  c.max_file_bytes = 50'000;
  c.fsync_every = 16;
  {
    auto log = openLog(c);
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&log, t] {
        for (int i = 0; i < 250; ++i) EXPECT_TRUE(log->append(readEvent(t * 1000 + i)).isOk());
      });
    }
    for (auto& th : threads) th.join();
  }
  const auto report = verifyDir(c.directory);
  EXPECT_TRUE(report.ok) << report.what;
  EXPECT_EQ(report.records, 1'000u);
}

TEST(AuditLog, OneLogPerDirectory) {
  TempDir tmp;
  const auto c = auditConfig(tmp.path());
  auto log = openLog(c);
  EXPECT_FALSE(Log::open(c, "nanjing").isOk());  // flock held
  auto a = Log::instance(auditConfig(tmp.path() + "/x"), "nanjing");
  auto b = Log::instance(auditConfig(tmp.path() + "/x/../x"), "nanjing");
  ASSERT_TRUE(a.isOk());
  ASSERT_TRUE(b.isOk());
  EXPECT_EQ(a.value().get(), b.value().get());
}

TEST(AuditLog, InstanceKeepsItsSettingsUntilRestartButFollowsANewDirectory) {
  TempDir tmp;
  auto first = Log::instance(auditConfig(tmp.path() + "/a"), "nanjing");
  ASSERT_TRUE(first.isOk());
  ASSERT_TRUE(first.value()->append(readEvent(1)).isOk());
  auto changed_config = auditConfig(tmp.path() + "/a");
  changed_config.hash = "sha256";  // logged as needing a restart, not applied
  auto same = Log::instance(changed_config, "nanjing");
  ASSERT_TRUE(same.isOk());
  EXPECT_EQ(same.value().get(), first.value().get());
  ASSERT_TRUE(same.value()->append(readEvent(2)).isOk());
  ASSERT_TRUE(same.value()->sync().isOk());
  std::ifstream in(same.value()->currentFile());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find(R"("alg":"sm3")"), std::string::npos) << text;
  EXPECT_EQ(text.find(R"("alg":"sha256")"), std::string::npos) << text;

  changed_config.directory = tmp.path() + "/b";  // a new directory: a new Log, with the new settings
  auto moved = Log::instance(changed_config, "nanjing");
  ASSERT_TRUE(moved.isOk());
  EXPECT_NE(moved.value().get(), first.value().get());
  EXPECT_EQ(moved.value()->directory(), tmp.path() + "/b");
  ASSERT_TRUE(moved.value()->append(readEvent(1)).isOk());
  std::ifstream in_b(moved.value()->currentFile());
  const std::string text_b((std::istreambuf_iterator<char>(in_b)), std::istreambuf_iterator<char>());
  EXPECT_NE(text_b.find(R"("alg":"sha256")"), std::string::npos) << text_b;
}

TEST(AuditLog, MetricsCountRecordsAndLatency) {
  TempDir tmp;
  observability::Registry registry(2);
  {
    auto log = openLog(auditConfig(tmp.path()), {.metrics = &registry, .redis = nullptr, .now_ms = {}});
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(log->append(readEvent(i)).isOk());
  }
  const std::string text = registry.renderText();
  EXPECT_NE(text.find("metrogw_audit_records_total 5"), std::string::npos) << text;
  EXPECT_NE(text.find("metrogw_audit_write_seconds_count 5"), std::string::npos);
  EXPECT_NE(text.find("metrogw_audit_write_failures_total 0"), std::string::npos);
}

TEST(AuditLog, RejectsUnknownHash) {
  TempDir tmp;
  auto c = auditConfig(tmp.path());
  c.hash = "md5";
  EXPECT_FALSE(Log::open(c, "nanjing").isOk());
}

}  // namespace
}  // namespace metrogw::audit
