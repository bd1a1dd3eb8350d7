// Audit file names, the directory lock, retention and small POSIX helpers. Private to audit/.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace metrogw::audit::internal {

inline constexpr int64_t kDayMs = 86'400'000;

// "audit-<first seq, 16 digits>.jsonl".
[[nodiscard]] std::string fileName(uint64_t first_seq);
// The first seq of a file name, or 0 when the name is not an audit file's.
[[nodiscard]] uint64_t firstSeqOf(std::string_view file_name);

// An open file descriptor, closed by the last owner.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// Takes an exclusive flock on "<directory>/audit.lock" (creating the directory, mode 0700).
[[nodiscard]] StatusOr<std::unique_ptr<Fd>> lockDirectory(const std::string& directory);

// Writes all of `data` (retrying short writes and EINTR).
[[nodiscard]] Status writeAll(int fd, std::string_view data);
[[nodiscard]] Status syncDirectory(const std::string& directory);
[[nodiscard]] StatusOr<std::string> readFile(const std::string& path);

// Deletes audit files last modified before now_ms - retention_days, except `keep` (full path).
// Returns how many were deleted.
size_t applyRetention(const std::string& directory, uint32_t retention_days, int64_t now_ms,
                      const std::string& keep);

}  // namespace metrogw::audit::internal
