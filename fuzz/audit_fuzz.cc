// libFuzzer target for the audit record parser used by `metrogw audit verify` and `query`.
// The first byte selects the mode, the rest is file content:
//   even  every line through internal::parseRecord (the per-record parser and hash check)
//   odd   the content as one audit file through verifyFiles() and query() (chain checks)
// Nothing may crash, leak or hit UB; a parsed record must be self-consistent, and a verify report
// must name a line of the input when it says the chain is broken.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/audit.h"
#include "audit/internal/record.h"

namespace {

namespace internal = metrogw::audit::internal;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

void parseLines(std::string_view text) {
  for (size_t pos = 0; pos <= text.size();) {
    const size_t nl = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, nl - pos);
    uint64_t claimed = 0;
    const auto parsed = internal::parseRecord(line, &claimed);
    if (parsed.isOk()) {
      require(parsed->record.seq == claimed);
      require(parsed->hash.size() == internal::kHashHexSize && parsed->prev.size() == internal::kHashHexSize);
      require(line.size() >= internal::kHashSuffixSize);
      require(line.substr(line.size() - internal::kHashHexSize - 2, internal::kHashHexSize) == parsed->hash);
    } else {
      require(!parsed.status().message().empty());
    }
    pos = nl + 1;
  }
}

void verifyContent(std::string_view text) {
  const int fd = ::memfd_create("audit-fuzz", MFD_CLOEXEC);
  if (fd < 0) return;
  if (::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())) {
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    const auto report = metrogw::audit::verifyFiles({path});
    require(report.isOk());
    const uint64_t lines = static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    if (!report->ok) {
      require(report->file == path && report->line >= 1 && report->line <= lines && !report->what.empty());
    }
    require(report->records <= lines);
    const auto records = metrogw::audit::query({path}, "k1.patient-a");
    require(records.isOk());
  }
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    parseLines(text);
  } else {
    verifyContent(text);
  }
  return 0;
}
