// verifyFiles(), query() and listFiles(): reading audit files back.
#include <algorithm>
#include <filesystem>
#include <string_view>

#include "audit/audit.h"
#include "audit/internal/files.h"
#include "audit/internal/record.h"

namespace metrogw::audit {
namespace {

struct ChainState {
  bool started = false;
  uint64_t seq = 0;
  std::string hash;
};

// Calls fn(line_number, line) for each line of `text`; a last line without '\n' is passed too.
template <typename Fn>
bool forEachLine(std::string_view text, Fn fn) {
  uint64_t number = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t nl = text.find('\n', pos);
    const size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (!fn(++number, text.substr(pos, end - pos), nl != std::string_view::npos)) return false;
    pos = end + 1;
  }
  return true;
}

// The seq the first line of `file` should have: from its name, else what the line claims.
uint64_t firstSeqOrClaimed(const std::string& file, uint64_t claimed) {
  const uint64_t from_name = internal::firstSeqOf(std::filesystem::path(file).filename().string());
  return from_name != 0 ? from_name : claimed;
}

// Checks one line against the chain; fills `report` and returns false at the first break.
bool checkLine(const std::string& file, uint64_t number, std::string_view line, bool terminated,
               ChainState& chain, VerifyReport& report) {
  const uint64_t expected = chain.seq + 1;
  auto fail = [&](uint64_t seq, std::string what) {
    report = {false, report.records, report.first_seq, report.last_seq, file, number, seq, std::move(what)};
    return false;
  };
  uint64_t claimed = 0;
  auto parsed = internal::parseRecord(line, &claimed);
  if (!parsed.isOk())
    return fail(chain.started ? expected : firstSeqOrClaimed(file, claimed), parsed.status().message());
  if (!terminated) return fail(parsed->record.seq, "last line has no newline (torn write)");
  const auto& r = parsed.value();
  if (chain.started && r.record.seq != expected) {
    return fail(expected,
                "seq gap: expected " + std::to_string(expected) + ", found " + std::to_string(r.record.seq));
  }
  if (chain.started && r.prev != chain.hash)
    return fail(r.record.seq, "prev does not chain to the previous record");
  if (!chain.started && r.record.seq == 1 && r.prev != internal::genesisHash()) {
    return fail(1, "first record's prev is not the genesis hash");
  }
  if (!chain.started) report.first_seq = r.record.seq;
  chain = {true, r.record.seq, r.hash};
  report.last_seq = r.record.seq;
  ++report.records;
  return true;
}

}  // namespace

StatusOr<std::vector<std::string>> listFiles(const std::string& directory) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.is_regular_file(ec) && internal::firstSeqOf(entry.path().filename().string()) != 0) {
      out.push_back(entry.path().string());
    }
  }
  if (ec) return Status::ioError("cannot list " + directory + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

StatusOr<VerifyReport> verifyFiles(const std::vector<std::string>& paths) {
  VerifyReport report;
  ChainState chain;
  for (const auto& path : paths) {
    ASSIGN_OR_RETURN(const std::string text, internal::readFile(path));
    const bool ok = forEachLine(text, [&](uint64_t number, std::string_view line, bool terminated) {
      return checkLine(path, number, line, terminated, chain, report);
    });
    if (!ok) return report;
  }
  return report;
}

StatusOr<std::vector<Record>> query(const std::vector<std::string>& paths, std::string_view patient_token) {
  std::vector<Record> out;
  for (const auto& path : paths) {
    ASSIGN_OR_RETURN(const std::string text, internal::readFile(path));
    forEachLine(text, [&](uint64_t, std::string_view line, bool) {
      if (line.find(patient_token) == std::string_view::npos) return true;  // cheap pre-filter
      auto parsed = internal::parseRecord(line);
      if (parsed.isOk() && parsed->record.event.patient_token == patient_token) {
        out.push_back(std::move(parsed->record));
      }
      return true;
    });
  }
  return out;
}

}  // namespace metrogw::audit
