// runCli: `audit verify` exit codes and output, `audit query` lines.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "tests/audit/test_util.h"

namespace metrogw::audit {
namespace {

using test::TempDir;

// Runs runCli with stdout captured into `out`.
int run(std::vector<std::string> args, std::string& out) {
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (auto& a : args) argv.push_back(a.data());
  std::fflush(stdout);
  testing::internal::CaptureStdout();
  const int rc = runCli(static_cast<int>(argv.size()), argv.data());
  std::fflush(stdout);
  out = testing::internal::GetCapturedStdout();
  return rc;
}

class AuditCli : public testing::Test {
 protected:
  void SetUp() override {
    config_ = test::auditConfig(tmp_.path());
    auto log = Log::open(config_, "nanjing");
    ASSERT_TRUE(log.isOk());
    for (int i = 1; i <= 6; ++i)
      ASSERT_TRUE(log.value()->append(test::readEvent(i, i <= 4 ? "k1.a" : "k1.b")).isOk());
    Event glass = test::readEvent(7, "k1.a");
    glass.purpose = "emergency";
    glass.break_glass = true;
    glass.break_glass_reason = "ER";
    ASSERT_TRUE(log.value()->append(glass).isOk());
  }
  TempDir tmp_;
  config::Audit config_;
};

TEST_F(AuditCli, VerifyOkAndBroken) {
  std::string out;
  EXPECT_EQ(run({"audit", "verify", "--dir", config_.directory}, out), 0);
  EXPECT_NE(out.find("OK 7 records"), std::string::npos) << out;
  const std::string file = listFiles(config_.directory)->front();
  std::string text = test::slurp(file);
  text[text.find("req-3") + 2] = 'X';
  test::spit(file, text);
  EXPECT_EQ(run({"audit", "verify", file}, out), 1);
  EXPECT_NE(out.find("BROKEN " + file + " line 3 seq 3: hash mismatch"), std::string::npos) << out;
}

TEST_F(AuditCli, QueryListsWhoSawThePatient) {
  std::string out;
  EXPECT_EQ(run({"audit", "query", "--patient", "k1.a", "--dir", config_.directory}, out), 0);
  std::vector<std::string> lines;
  for (size_t pos = 0, nl; (nl = out.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    lines.push_back(out.substr(pos, nl - pos));
  }
  ASSERT_EQ(lines.size(), 6u);  // header + 5 accesses to k1.a
  EXPECT_EQ(lines[1],
            "2025-11-23T12:13:20.001Z\tread\tCN=node.3405.metrogw\t3405\tdr-li\tlab-"
            "report\ttreatment\tpermit\tc-42\tno");
  EXPECT_NE(lines[3].find("\tdeny\t-\tno"), std::string::npos) << lines[3];
  EXPECT_NE(lines[5].find("emergency"), std::string::npos);
  EXPECT_NE(lines[5].find("\tyes: ER"), std::string::npos) << lines[5];
}

TEST_F(AuditCli, Usage) {
  std::string out;
  EXPECT_EQ(run({"audit"}, out), 2);
  EXPECT_EQ(run({"audit", "query", "--dir", config_.directory}, out), 2);  // no --patient
  EXPECT_EQ(run({"audit", "frobnicate", "--dir", config_.directory}, out), 2);
  EXPECT_EQ(run({"audit", "verify", tmp_.path() + "/missing.jsonl"}, out), 2);
}

}  // namespace
}  // namespace metrogw::audit
