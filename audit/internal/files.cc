#include "audit/internal/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/audit.h"

namespace metrogw::audit::internal {
namespace {

constexpr std::string_view kPrefix = "audit-";
constexpr std::string_view kSuffix = ".jsonl";
constexpr size_t kSeqDigits = 16;

std::string errnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

std::string fileName(uint64_t first_seq) {
  std::string digits = std::to_string(first_seq);
  return std::string(kPrefix) + std::string(kSeqDigits - std::min(kSeqDigits, digits.size()), '0') + digits +
         std::string(kSuffix);
}

uint64_t firstSeqOf(std::string_view name) {
  if (name.size() != kPrefix.size() + kSeqDigits + kSuffix.size() ||
      name.substr(0, kPrefix.size()) != kPrefix || name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return 0;
  }
  uint64_t seq = 0;
  const char* begin = name.data() + kPrefix.size();
  const auto [end, ec] = std::from_chars(begin, begin + kSeqDigits, seq);
  return ec == std::errc() && end == begin + kSeqDigits ? seq : 0;
}

StatusOr<std::unique_ptr<Fd>> lockDirectory(const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Status::ioError("audit directory " + directory + ": " + ec.message());
  ::chmod(directory.c_str(), 0700);
  const std::string path = directory + "/audit.lock";
  auto fd = std::make_unique<Fd>(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (fd->get() < 0) return Status::ioError(errnoText(path));
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    return Status::ioError(errnoText(path + " (another Log holds this directory)"));
  }
  return fd;
}

Status writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::ioError(errnoText("audit write"));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::ok();
}

Status syncDirectory(const std::string& directory) {
  const Fd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return Status::ioError(errnoText("fsync " + directory));
  return Status::ok();
}

StatusOr<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::ioError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return Status::ioError("cannot read " + path);
  return s.str();
}

size_t applyRetention(const std::string& directory, uint32_t retention_days, int64_t now_ms,
                      const std::string& keep) {
  const auto files = listFiles(directory);
  if (!files.isOk()) return 0;
  const int64_t cutoff_s = (now_ms - int64_t{retention_days} * kDayMs) / 1000;
  size_t deleted = 0;
  for (const auto& path : files.value()) {
    struct stat st {};
    if (path == keep || ::stat(path.c_str(), &st) != 0 || st.st_mtime >= cutoff_s) continue;
    if (::unlink(path.c_str()) == 0) ++deleted;
  }
  return deleted;
}

}  // namespace metrogw::audit::internal
