// Tests for the access log: JSON line format (keys, escaping, omissions) and buffered file writes.
#include "observability/access_log.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace metrogw::observability {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A flat JSON object: keys in order, each value as decoded text (strings unescaped, numbers raw).
using Fields = std::vector<std::pair<std::string, std::string>>;

// Parses exactly the subset the access log emits; returns false on anything else.
bool parseString(const std::string& s, size_t& i, std::string& out) {
  if (s[i] != '"') return false;
  for (++i; i < s.size() && s[i] != '"'; ++i) {
    if (static_cast<unsigned char>(s[i]) < 0x20) return false;  // raw controls are invalid JSON
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i >= s.size()) return false;
    switch (s[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u':
        if (i + 4 >= s.size()) return false;
        out += static_cast<char>(std::stoi(s.substr(i + 1, 4), nullptr, 16));
        i += 4;
        break;
      default: return false;
    }
  }
  return i++ < s.size();
}

bool parseFlatObject(const std::string& line, Fields& fields) {
  size_t i = 0;
  if (line.empty() || line[i++] != '{') return false;
  while (i < line.size() && line[i] != '}') {
    std::string key;
    std::string value;
    if (!parseString(line, i, key) || line[i++] != ':') return false;
    if (line[i] == '"') {
      if (!parseString(line, i, value)) return false;
    } else {
      while (i < line.size() && line[i] != ',' && line[i] != '}') value += line[i++];
      if (value.empty()) return false;
    }
    fields.emplace_back(key, value);
    if (line[i] == ',') ++i;
  }
  return line.substr(i) == "}\n";
}

std::vector<std::string> keys(const Fields& fields) {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(f.first);
  return out;
}

std::string field(const Fields& fields, const std::string& key) {
  for (const auto& f : fields) {
    if (f.first == key) return f.second;
  }
  return "<missing>";
}

AccessLogEntry fullEntry() {
  AccessLogEntry e;
  e.start_unix_ms = 1714566896789;
  e.request_id = "req-1";
  e.listener = "public";
  e.peer_address = "10.0.0.7";
  e.caller = "CN=clinic-a";
  e.method = "GET";
  e.path = "/fhir/Patient/\"x\x01";
  e.status = 200;
  e.route = "patients";
  e.cluster = "hospital-b";
  e.upstream_host = "10.1.0.2:8443";
  e.bytes_received = 12;
  e.bytes_sent = 3456;
  e.duration_ms = 12.34567;
  e.retries = 1;
  e.flags = "UT";
  return e;
}

TEST(AccessLogFormatTest, AllKeysInOrderWithEscaping) {
  std::string line;
  formatAccessLogLine(fullEntry(), line);
  Fields f;
  ASSERT_TRUE(parseFlatObject(line, f)) << line;
  EXPECT_THAT(keys(f), ElementsAre("ts", "request_id", "listener", "peer", "caller", "method", "path",
                                   "status", "route", "cluster", "upstream", "bytes_in", "bytes_out",
                                   "duration_ms", "retries", "flags"));
  EXPECT_EQ(field(f, "ts"), "2024-05-01T12:34:56.789Z");
  EXPECT_EQ(field(f, "path"), "/fhir/Patient/\"x\x01");
  EXPECT_THAT(line, HasSubstr(R"("path":"/fhir/Patient/\"x\u0001")"));
  EXPECT_EQ(field(f, "status"), "200");
  EXPECT_EQ(field(f, "upstream"), "10.1.0.2:8443");
  EXPECT_EQ(field(f, "bytes_in"), "12");
  EXPECT_EQ(field(f, "bytes_out"), "3456");
  EXPECT_EQ(field(f, "duration_ms"), "12.346");
  EXPECT_EQ(field(f, "retries"), "1");
  EXPECT_EQ(field(f, "flags"), "UT");
}

TEST(AccessLogFormatTest, EmptyOptionalsAreOmitted) {
  AccessLogEntry e = fullEntry();
  e.caller = e.route = e.cluster = e.upstream_host = e.flags = "";
  e.duration_ms = 0;
  std::string line;
  formatAccessLogLine(e, line);
  Fields f;
  ASSERT_TRUE(parseFlatObject(line, f)) << line;
  EXPECT_THAT(keys(f), ElementsAre("ts", "request_id", "listener", "peer", "method", "path", "status",
                                   "bytes_in", "bytes_out", "duration_ms", "retries"));
  EXPECT_EQ(field(f, "duration_ms"), "0.000");
}

TEST(AccessLogFormatTest, TimestampsAndOddNumbers) {
  AccessLogEntry e;
  e.start_unix_ms = 1709251199999;  // leap day, last millisecond
  e.duration_ms = -5;
  std::string line = "prefix|";
  formatAccessLogLine(e, line);  // appends
  EXPECT_THAT(line, HasSubstr(R"(prefix|{"ts":"2024-02-29T23:59:59.999Z")"));
  EXPECT_THAT(line, HasSubstr(R"("duration_ms":0.000)"));
  line.clear();
  e.start_unix_ms = 0;
  formatAccessLogLine(e, line);
  EXPECT_THAT(line, HasSubstr(R"({"ts":"1970-01-01T00:00:00.000Z")"));
}

class AccessLogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/metrogw_access_log_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/access.log";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  [[nodiscard]] std::vector<std::string> readLines() const {
    std::ifstream in(path_);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
    return lines;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(AccessLogFileTest, BuffersUntilFlush) {
  auto log = AccessLog::open(path_);
  ASSERT_TRUE(log.isOk()) << log.status().toString();
  for (int i = 0; i < 3; ++i) (*log)->record(fullEntry());
  EXPECT_TRUE(readLines().empty());
  (*log)->flush();
  const auto lines = readLines();
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& l : lines) {
    Fields f;
    EXPECT_TRUE(parseFlatObject(l, f)) << l;
  }
  EXPECT_EQ(std::filesystem::status(path_).permissions() & std::filesystem::perms::others_all,
            std::filesystem::perms::none);
}

TEST_F(AccessLogFileTest, WritesWhenBufferIsFullAndOnDestruction) {
  {
    auto log = AccessLog::open(path_);
    ASSERT_TRUE(log.isOk());
    size_t records = 0;
    while (readLines().empty()) {
      (*log)->record(fullEntry());
      ASSERT_LT(++records, 1000u) << "never wrote past 32 KiB";
    }
    std::string line;
    formatAccessLogLine(fullEntry(), line);
    EXPECT_GT(records * line.size(), 32u * 1024);
    (*log)->record(fullEntry());
  }
  const auto lines = readLines();
  ASSERT_FALSE(lines.empty());
  Fields f;
  EXPECT_TRUE(parseFlatObject(lines.back(), f)) << lines.back();
}

TEST_F(AccessLogFileTest, AppendsToAnExistingFile) {
  std::ofstream(path_) << "existing\n";
  {
    auto log = AccessLog::open(path_);
    ASSERT_TRUE(log.isOk());
    (*log)->record(fullEntry());
  }
  const auto lines = readLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "existing\n");
}

TEST_F(AccessLogFileTest, OpenErrorNamesThePath) {
  const std::string bad = dir_ + "/missing/dir/access.log";
  auto log = AccessLog::open(bad);
  ASSERT_FALSE(log.isOk());
  EXPECT_EQ(log.status().code(), StatusCode::kIoError);
  EXPECT_THAT(log.status().message(), HasSubstr(bad));
  EXPECT_THAT(log.status().message(), HasSubstr("No such file or directory"));
}

TEST(AccessLogStdoutTest, DashMeansStdout) {
  auto log = AccessLog::open("-");
  ASSERT_TRUE(log.isOk());
  auto empty = AccessLog::open("");
  ASSERT_TRUE(empty.isOk());
  log.value().reset();
  empty.value().reset();
  EXPECT_NE(fcntl(STDOUT_FILENO, F_GETFD), -1) << "stdout must not be closed";
}

}  // namespace
}  // namespace metrogw::observability
