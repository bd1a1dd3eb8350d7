// One JSON line per request. Bodies and query strings are never logged.
//
// Each worker owns one AccessLog (not thread-safe); lines are buffered and written with a single
// write(2) when the buffer passes 32 KiB, on flush(), and from the destructor. The file is opened
// O_APPEND so several workers' writes never interleave within a line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace metrogw::observability {

struct AccessLogEntry {
  int64_t start_unix_ms = 0;
  std::string_view request_id;
  std::string_view listener;
  std::string_view peer_address;  // client IP
  std::string_view caller;        // mTLS client certificate subject, empty if none
  std::string_view method;
  std::string_view path;  // without query string
  int status = 0;
  std::string_view route;
  std::string_view cluster;
  std::string_view upstream_host;  // "host:port" that answered, empty for local handlers
  uint64_t bytes_received = 0;     // request body bytes
  uint64_t bytes_sent = 0;         // response body bytes
  double duration_ms = 0;
  uint32_t retries = 0;
  std::string_view flags;  // short codes: "UT" upstream timeout, "UO" circuit open, ...
};

class AccessLog {
 public:
  // path "-" or "" means stdout (not closed by the destructor). Otherwise appends to the file,
  // creating it 0640; the error names the path.
  static StatusOr<std::unique_ptr<AccessLog>> open(const std::string& path);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;
  void record(const AccessLogEntry& entry);
  // Writes everything buffered (retrying partial writes and EINTR). On a write error the buffered
  // lines are dropped and a warning is logged once; it never waits for a non-blocking fd.
  void flush();

 private:
  explicit AccessLog(int fd, bool owns);
  int fd_;
  bool owns_fd_;
  bool write_failed_ = false;  // warn once per log, not per dropped batch
  std::string buffer_;
};

// Appends one entry to `out` as a JSON object plus '\n' (exposed for tests). Empty caller, route,
// cluster, upstream and flags are omitted.
void formatAccessLogLine(const AccessLogEntry& entry, std::string& out);

}  // namespace metrogw::observability
