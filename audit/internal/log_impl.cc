#include "audit/internal/log_impl.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "audit/internal/shipper.h"
#include "common/logging.h"

namespace metrogw::audit {

using internal::Fd;

namespace {

int64_t systemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The last complete line of `text` (without '\n'); text must end with '\n'.
std::string_view lastLine(std::string_view text) {
  const auto body = text.substr(0, text.size() - 1);
  const auto nl = body.rfind('\n');
  return nl == std::string_view::npos ? body : body.substr(nl + 1);
}

}  // namespace

Log::Impl::Impl() = default;
Log::Impl::~Impl() = default;

Status Log::Impl::init(const config::Audit& cfg, std::string node_name, const LogOptions& options) {
  config = cfg;
  node = std::move(node_name);
  now_ms = options.now_ms ? options.now_ms : systemNowMs;
  if (options.metrics != nullptr) metrics = std::make_unique<Metrics>(*options.metrics);
  ASSIGN_OR_RETURN(algorithm, internal::parseAlgorithm(cfg.hash));
  if (!internal::algorithmAvailable(algorithm))
    return Status::invalidArgument("audit hash not offered by OpenSSL");
  ASSIGN_OR_RETURN(lock_file, internal::lockDirectory(cfg.directory));
  last_hash = internal::genesisHash();
  RETURN_IF_ERROR(recover());
  const auto files = listFiles(config.directory);
  const size_t deleted = internal::applyRetention(config.directory, config.retention_days, now_ms(),
                                                  files.isOk() && !files->empty() ? files->back() : "");
  if (metrics) metrics->retention_deleted.inc(deleted);
  return Status::ok();
}

// Finds the chain head: the last complete record of the newest file. A torn tail (bytes after the
// last '\n') is cut off; files left empty are removed.
Status Log::Impl::recover() {
  ASSIGN_OR_RETURN(auto files, listFiles(config.directory));
  while (!files.empty()) {
    const std::string path = files.back();
    ASSIGN_OR_RETURN(const std::string text, internal::readFile(path));
    const auto nl = text.rfind('\n');
    const size_t keep = nl == std::string::npos ? 0 : nl + 1;
    if (keep < text.size()) {
      if (::truncate(path.c_str(), static_cast<off_t>(keep)) != 0)
        return Status::ioError("cannot repair " + path);
      log::warn("audit", "cut a torn last line (crash during a write) from " + path);
      if (metrics) metrics->torn_repairs.inc();
    }
    if (keep == 0) {
      if (::unlink(path.c_str()) != 0) return Status::ioError("cannot remove empty " + path);
      files.pop_back();
      continue;
    }
    const auto parsed = internal::parseRecord(lastLine(std::string_view(text).substr(0, keep)));
    if (!parsed.isOk()) {
      return Status::invalidArgument("audit: the last record of " + path + " is damaged (" +
                                     parsed.status().message() + "); run `metrogw audit verify`");
    }
    last_seq = parsed->record.seq;
    last_hash = parsed->hash;
    break;
  }
  return Status::ok();
}

Status Log::Impl::openNextFile(int64_t now) {
  const std::string path = config.directory + "/" + internal::fileName(last_seq + 1);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Status::ioError("cannot create " + path);
  file = std::make_shared<Fd>(fd);
  file_path = path;
  file_bytes = static_cast<uint64_t>(::lseek(fd, 0, SEEK_END));
  file_day = now / internal::kDayMs;
  return internal::syncDirectory(config.directory);
}

void Log::Impl::closeFile() {
  if (file) (void)::fdatasync(file->get());
  file.reset();
  unsynced = 0;
  const size_t deleted =
      internal::applyRetention(config.directory, config.retention_days, now_ms(), file_path);
  if (metrics) metrics->retention_deleted.inc(deleted);
}

void Log::Impl::rotateIfDue(int64_t now, size_t next_bytes) {
  if (!file || file_bytes == 0) return;
  const bool too_big = file_bytes + next_bytes > config.max_file_bytes;
  const bool new_day = config.rotate_daily && now / internal::kDayMs != file_day;
  if (too_big || new_day) closeFile();
}

Status Log::Impl::append(const Event& event) {
  const std::lock_guard lock(mu);
  if (failed) return Status::ioError("audit log failed earlier; reopen it");
  const int64_t now = now_ms();
  std::string hash;
  std::string line;
  if (event.time_ms == 0) {
    Event stamped = event;
    stamped.time_ms = now;
    line = internal::formatRecord(last_seq + 1, node, stamped, algorithm, last_hash, hash);
  } else {
    line = internal::formatRecord(last_seq + 1, node, event, algorithm, last_hash, hash);
  }
  if (hash.empty()) return Status::internal("audit hash failed");
  rotateIfDue(now, line.size());
  if (!file) RETURN_IF_ERROR(openNextFile(now));
  if (Status s = internal::writeAll(file->get(), line); !s.isOk()) {
    // Roll back a partial write so the file still ends on a record; if that fails, stay failed.
    if (::ftruncate(file->get(), static_cast<off_t>(file_bytes)) != 0) failed = true;
    return s;
  }
  file_bytes += line.size();
  ++last_seq;
  last_hash = std::move(hash);
  if (++unsynced >= config.fsync_every) cv.notify_one();
  return Status::ok();
}

void Log::Impl::flushLoop() {
  std::unique_lock lock(mu);
  while (!stop) {
    cv.wait_for(lock, config.fsync_interval, [this] { return stop || unsynced >= config.fsync_every; });
    if (unsynced == 0 || !file) continue;
    const std::shared_ptr<Fd> f = file;
    const std::string path = file_path;
    unsynced = 0;
    lock.unlock();
    if (::fdatasync(f->get()) != 0) log::warn("audit", "fdatasync failed on " + path);
    lock.lock();
  }
}

Status Log::Impl::startShipper(const config::Redis& redis) {
  ASSIGN_OR_RETURN(shipper, internal::Shipper::start(config, redis, node, metrics.get(), [this] {
                     const std::lock_guard lock(mu);
                     return last_seq;
                   }));
  return Status::ok();
}

void Log::Impl::stopShipper() { shipper.reset(); }

}  // namespace metrogw::audit
