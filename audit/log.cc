// Log: the append path (format, hash, write(2)), rotation, retention and the fsync flusher thread.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "audit/audit.h"
#include "audit/internal/files.h"
#include "audit/internal/log_impl.h"
#include "audit/internal/record.h"
#include "common/logging.h"

namespace metrogw::audit {

using internal::Fd;

Log::Log(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Log::~Log() {
  impl_->stopShipper();
  {
    const std::lock_guard lock(impl_->mu);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  if (impl_->flusher.joinable()) impl_->flusher.join();
  if (impl_->file) (void)::fsync(impl_->file->get());
}

StatusOr<std::shared_ptr<Log>> Log::open(const config::Audit& config, std::string node_name,
                                         const LogOptions& options) {
  auto impl = std::make_unique<Impl>();
  RETURN_IF_ERROR(impl->init(config, std::move(node_name), options));
  auto* raw = impl.get();
  std::shared_ptr<Log> log(new Log(std::move(impl)));
  raw->flusher = std::thread([raw] { raw->flushLoop(); });
  if (options.redis != nullptr && config.ship) RETURN_IF_ERROR(raw->startShipper(*options.redis));
  return log;
}

namespace {

// The settings a Log takes at open() and keeps until the process ends, as (name, value) pairs.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> openSettings(const config::Audit& c,
                                                                            const LogOptions& o) {
  const bool shipping = c.ship && o.redis != nullptr;
  return {{"hash", c.hash},
          {"fsync_interval_ms", std::to_string(c.fsync_interval.count())},
          {"fsync_every", std::to_string(c.fsync_every)},
          {"max_file_bytes", std::to_string(c.max_file_bytes)},
          {"rotate_daily", c.rotate_daily ? "true" : "false"},
          {"retention_days", std::to_string(c.retention_days)},
          {"ship", shipping ? "true" : "false"},
          {"stream_maxlen", std::to_string(c.stream_maxlen)},
          {"ship_interval_ms", std::to_string(c.ship_interval.count())},
          {"redis", shipping ? o.redis->address.host + ":" + std::to_string(o.redis->address.port) + "/" +
                                   std::to_string(o.redis->db) + " " + o.redis->key_prefix
                             : ""}};
}

struct Opened {
  std::shared_ptr<Log> log;
  std::vector<std::pair<std::string, std::string>> settings;
  std::string warned;  // the changed-settings list last warned about, so each change is logged once
};

// A later configuration with other settings for an open directory: they are not applied (the Log
// keeps its files, threads and connection as opened); say so once per change.
void warnIfChanged(Opened& opened, const std::string& directory,
                   const std::vector<std::pair<std::string, std::string>>& wanted) {
  std::string changed;
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (wanted[i].second != opened.settings[i].second)
      changed += (changed.empty() ? "" : ", ") + wanted[i].first;
  }
  if (changed.empty() || changed == opened.warned) return;
  opened.warned = changed;
  log::warn("audit",
            "audit settings changed for " + directory + " (" + changed +
                "): they take effect after a restart; the audit log keeps the settings it was opened "
                "with (a new audit.directory takes effect at once)");
}

}  // namespace

StatusOr<std::shared_ptr<Log>> Log::instance(const config::Audit& config, std::string node_name,
                                             const LogOptions& options) {
  static std::mutex mu;
  static std::map<std::string, Opened> logs;
  std::error_code ec;
  std::string key = std::filesystem::absolute(config.directory, ec).lexically_normal().string();
  if (ec) key = config.directory;
  const std::lock_guard lock(mu);
  auto& slot = logs[key];
  auto wanted = openSettings(config, options);
  if (!slot.log) {
    ASSIGN_OR_RETURN(slot.log, open(config, std::move(node_name), options));
    slot.settings = std::move(wanted);
  } else {
    warnIfChanged(slot, key, wanted);
  }
  return slot.log;
}

Status Log::append(const Event& event) {
  const auto started = std::chrono::steady_clock::now();
  Status s = impl_->append(event);
  if (impl_->metrics) {
    impl_->metrics->write_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    (s.isOk() ? impl_->metrics->records : impl_->metrics->write_failures).inc();
  }
  return s;
}

Status Log::sync() {
  std::shared_ptr<Fd> file;
  {
    const std::lock_guard lock(impl_->mu);
    file = impl_->file;
    impl_->unsynced = 0;
  }
  if (file && ::fdatasync(file->get()) != 0) return Status::ioError("audit fsync failed");
  return Status::ok();
}

uint64_t Log::lastSeq() const {
  const std::lock_guard lock(impl_->mu);
  return impl_->last_seq;
}

std::string Log::currentFile() const {
  const std::lock_guard lock(impl_->mu);
  return impl_->file_path;
}

const std::string& Log::directory() const { return impl_->config.directory; }

}  // namespace metrogw::audit
