// Flipping any one byte of an audit file makes verify fail naming that record; an untouched log verifies.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/audit/test_util.h"

namespace metrogw::audit {
namespace {

using test::TempDir;

constexpr int kRecords = 6;

class Tamper : public testing::Test {
 protected:
  void SetUp() override {
    config_ = test::auditConfig(tmp_.path());
    config_.max_file_bytes = 1'200;  // several files, so the chain crosses files
    auto log = Log::open(config_, "nanjing");
    ASSERT_TRUE(log.isOk());
    for (int i = 1; i <= kRecords; ++i) ASSERT_TRUE(log.value()->append(test::readEvent(i)).isOk());
    files_ = listFiles(config_.directory).value();
  }

  TempDir tmp_;
  config::Audit config_;
  std::vector<std::string> files_;
};

TEST_F(Tamper, UntouchedLogVerifies) {
  ASSERT_GT(files_.size(), 2u);
  const auto report = verifyFiles(files_);
  ASSERT_TRUE(report.isOk());
  EXPECT_TRUE(report->ok);
  EXPECT_EQ(report->records, static_cast<uint64_t>(kRecords));
}

TEST_F(Tamper, EveryFlippedByteIsFoundAtItsRecord) {
  for (const auto& path : files_) {
    const std::string original = test::slurp(path);
    const uint64_t first_seq = std::stoull(path.substr(path.rfind('-') + 1, 16));
    for (size_t pos = 0; pos < original.size(); ++pos) {
      test::pokeByte(path, pos, static_cast<char>(original[pos] ^ 0x01));
      const auto report = verifyFiles(files_);
      ASSERT_TRUE(report.isOk());
      const auto line = 1 + static_cast<uint64_t>(std::count(
                                original.begin(), original.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
      ASSERT_FALSE(report->ok) << path << " byte " << pos;
      EXPECT_EQ(report->file, path) << "byte " << pos;
      EXPECT_EQ(report->line, line) << "byte " << pos << ": " << report->what;
      EXPECT_EQ(report->seq, first_seq + line - 1) << "byte " << pos << ": " << report->what;
      test::pokeByte(path, pos, original[pos]);
    }
    test::spit(path, original);
  }
  EXPECT_TRUE(verifyFiles(files_)->ok);
}

TEST_F(Tamper, DeletedRecordIsASeqGap) {
  const std::string text = test::slurp(files_[1]);
  test::spit(files_[1], text.substr(text.find('\n') + 1));
  const auto report = verifyFiles(files_);
  ASSERT_FALSE(report->ok);
  EXPECT_EQ(report->file, files_[1]);
  EXPECT_EQ(report->line, 1u);
  EXPECT_EQ(report->seq, std::stoull(files_[1].substr(files_[1].rfind('-') + 1, 16)));
  EXPECT_NE(report->what.find("seq gap"), std::string::npos) << report->what;
}

TEST_F(Tamper, MissingMiddleFileIsFound) {
  std::vector<std::string> without = files_;
  without.erase(without.begin() + 1);
  const auto report = verifyFiles(without);
  ASSERT_FALSE(report->ok);
  EXPECT_EQ(report->file, files_[2]);
  EXPECT_EQ(report->line, 1u);
}

TEST_F(Tamper, RecomputedHashStillBreaksTheNextLink) {
  // Rewriting a record and its own hash is caught by the next record's prev.
  auto log = Log::open(test::auditConfig(tmp_.path() + "/other"), "nanjing");
  ASSERT_TRUE(log.isOk());
  ASSERT_TRUE(log.value()->append(test::readEvent(100)).isOk());
  const std::string forged = test::slurp(listFiles(tmp_.path() + "/other/log")->front());
  const std::string text = test::slurp(files_[0]);
  test::spit(files_[0], forged + text.substr(text.find('\n') + 1));  // a self-consistent seq 1
  const auto report = verifyFiles(files_);
  ASSERT_FALSE(report->ok);
  EXPECT_EQ(report->line, 2u);
  EXPECT_NE(report->what.find("prev"), std::string::npos) << report->what;
}

}  // namespace
}  // namespace metrogw::audit
