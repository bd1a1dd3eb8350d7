// Log::Impl: the state behind audit::Log. Private to audit/.
//
// Threading: everything below `mu` is guarded by it. append() formats, hashes and write(2)s under
// the lock (the chain is a total order). The flusher thread fdatasyncs outside the lock, holding a
// shared_ptr to the file so a concurrent rotation cannot close it underneath.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/audit.h"
#include "audit/internal/files.h"
#include "audit/internal/record.h"
#include "audit/metrics.h"

namespace metrogw::audit::internal {
class Shipper;
}

namespace metrogw::audit {

struct Log::Impl {
  Impl();
  ~Impl();

  [[nodiscard]] Status init(const config::Audit& config, std::string node, const LogOptions& options);
  [[nodiscard]] Status append(const Event& event);
  void flushLoop();
  [[nodiscard]] Status startShipper(const config::Redis& redis);
  void stopShipper();

  config::Audit config;
  std::string node;
  internal::HashAlgorithm algorithm = internal::HashAlgorithm::kSm3;
  std::function<int64_t()> now_ms;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<internal::Fd> lock_file;
  std::unique_ptr<internal::Shipper> shipper;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::thread flusher;
  bool stop = false;
  bool failed = false;  // a write could not be rolled back: every later append fails
  std::shared_ptr<internal::Fd> file;
  std::string file_path;
  uint64_t file_bytes = 0;
  int64_t file_day = 0;
  uint64_t last_seq = 0;
  std::string last_hash;
  uint64_t unsynced = 0;

 private:
  [[nodiscard]] Status recover();
  [[nodiscard]] Status openNextFile(int64_t now);
  void rotateIfDue(int64_t now, size_t next_bytes);
  void closeFile();
};

}  // namespace metrogw::audit
