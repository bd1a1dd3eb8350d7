// Access log: JSON-lines formatting without iostreams, buffered append-only writes.
#include "observability/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include "common/logging.h"

namespace metrogw::observability {
namespace {

constexpr size_t kFlushThreshold = 32UL * 1024;
constexpr double kMaxDurationMs = 1e12;  // keeps the fixed-point rendering short

void appendDigits(std::string& out, unsigned value, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

template <typename Int>
void appendInt(std::string& out, Int value) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, res.ptr);
}

void appendMillis(std::string& out, double ms) {
  if (!(ms >= 0)) ms = 0;  // negatives and NaN
  if (ms > kMaxDurationMs) ms = kMaxDurationMs;
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof(buf), ms, std::chars_format::fixed, 3);
  out.append(buf, res.ptr);
}

// "2024-05-01T12:34:56.789Z"
void appendIsoUtc(std::string& out, int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds(unix_ms)};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> tod{tp - day};
  appendDigits(out, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  out += '-';
  appendDigits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  appendDigits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  appendDigits(out, static_cast<unsigned>(tod.hours().count()), 2);
  out += ':';
  appendDigits(out, static_cast<unsigned>(tod.minutes().count()), 2);
  out += ':';
  appendDigits(out, static_cast<unsigned>(tod.seconds().count()), 2);
  out += '.';
  appendDigits(out, static_cast<unsigned>(tod.subseconds().count()), 3);
  out += 'Z';
}

// `key` includes the leading comma (if any), the quotes and the colon, e.g. `,"path":`.
void appendString(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += '"';
  log::appendJsonEscaped(out, value);
  out += '"';
}

void appendOptional(std::string& out, std::string_view key, std::string_view value) {
  if (!value.empty()) appendString(out, key, value);
}

}  // namespace

void formatAccessLogLine(const AccessLogEntry& e, std::string& out) {
  out += R"({"ts":")";
  appendIsoUtc(out, e.start_unix_ms);
  out += '"';
  appendString(out, R"(,"request_id":)", e.request_id);
  appendString(out, R"(,"listener":)", e.listener);
  appendString(out, R"(,"peer":)", e.peer_address);
  appendOptional(out, R"(,"caller":)", e.caller);
  appendString(out, R"(,"method":)", e.method);
  appendString(out, R"(,"path":)", e.path);
  out += R"(,"status":)";
  appendInt(out, e.status);
  appendOptional(out, R"(,"route":)", e.route);
  appendOptional(out, R"(,"cluster":)", e.cluster);
  appendOptional(out, R"(,"upstream":)", e.upstream_host);
  out += R"(,"bytes_in":)";
  appendInt(out, e.bytes_received);
  out += R"(,"bytes_out":)";
  appendInt(out, e.bytes_sent);
  out += R"(,"duration_ms":)";
  appendMillis(out, e.duration_ms);
  out += R"(,"retries":)";
  appendInt(out, e.retries);
  appendOptional(out, R"(,"flags":)", e.flags);
  out += "}\n";
}

StatusOr<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& path) {
  if (path.empty() || path == "-") return std::unique_ptr<AccessLog>(new AccessLog(STDOUT_FILENO, false));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    const int err = errno;
    return Status::ioError("cannot open access log " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<AccessLog>(new AccessLog(fd, true));
}

AccessLog::AccessLog(int fd, bool owns) : fd_(fd), owns_fd_(owns) { buffer_.reserve(2 * kFlushThreshold); }

AccessLog::~AccessLog() {
  flush();
  if (owns_fd_) ::close(fd_);
}

void AccessLog::record(const AccessLogEntry& entry) {
  formatAccessLogLine(entry, buffer_);
  if (buffer_.size() > kFlushThreshold) flush();
}

void AccessLog::flush() {
  size_t written = 0;
  while (written < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
    if (n > 0) {
      written += static_cast<size_t>(n);
      continue;
    }
    const int err = n < 0 ? errno : EIO;
    if (err == EINTR) continue;
    // Full disk, closed pipe, or a non-blocking fd that would block: drop rather than stall.
    if (!write_failed_)
      log::warn("access_log", std::string("write failed, dropping lines: ") + std::strerror(err));
    write_failed_ = true;
    break;
  }
  buffer_.clear();
}

}  // namespace metrogw::observability
