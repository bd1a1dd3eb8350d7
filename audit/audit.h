// The audit trail: a tamper-evident, hash-chained log of every cross-city access and consent change.
//
// Records are JSON lines in files under config::Audit::directory, named
// "audit-<first seq, 16 digits>.jsonl" (name order is chain order). Each record carries seq, the
// event fields, "prev" (the previous record's hash) and "hash" = hex(H(the record's bytes up to
// and excluding `,"hash":`)), H = SM3 (default) or SHA-256. The chain continues across rotation
// and restarts. See audit/README.md for the format, fsync batching, rotation and retention.
//
// Threading: a Log is thread-safe; one Log per directory per process (an exclusive flock on
// "<directory>/audit.lock" refuses a second one). Workers share it through Log::instance().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace metrogw::observability {
class Registry;
}

namespace metrogw::audit {

// One audited action. Never put resident ID numbers, names or phone numbers here: patients are
// person tokens.
struct Event {
  int64_t time_ms = 0;
  std::string action;       // read, search, consent-grant, consent-revoke
  std::string caller;       // certificate subject or partner name
  std::string caller_city;  // region code of the calling node/partner
  std::string owner_city;   // region code of the node owning the data
  std::string practitioner;
  std::string patient_token;
  std::string category;  // policy::categoryName
  std::string purpose;   // policy::purposeName
  std::string decision;  // permit | deny
  std::string reason;    // policy::Decision::reason
  std::string consent_id;
  std::string request_id;
  bool break_glass = false;
  std::string break_glass_reason;
  std::string resource_id;
};

// A record read back from a file: the event plus its chain position.
struct Record {
  uint64_t seq = 0;
  std::string node;
  Event event;
};

struct LogOptions {
  observability::Registry* metrics = nullptr;  // audit metrics (audit/metrics.h) when set
  // When set and config.ship: a shipper thread copies records to "<key_prefix>audit:events"
  // (see audit/README.md). Only read during open().
  const config::Redis* redis = nullptr;
  std::function<int64_t()> now_ms;  // clock for rotation/retention and empty Event::time_ms; default system
};

class Log {
 public:
  // Opens (creating the directory if needed) and continues the chain from the last record of the
  // newest file. A torn last line (no trailing newline: a crash mid-write, never acknowledged) is
  // cut off; any other damage in the newest file's last record is an error (fail closed: verify
  // and repair by hand). Starts a new file. Errors: ioError, invalidArgument.
  [[nodiscard]] static StatusOr<std::shared_ptr<Log>> open(const config::Audit& config, std::string node_name,
                                                           const LogOptions& options = {});
  // Process-wide accessor: the same Log for the same directory (opened on first use). Call from
  // any thread, e.g. every worker's handler factory.
  [[nodiscard]] static StatusOr<std::shared_ptr<Log>> instance(const config::Audit& config,
                                                               std::string node_name,
                                                               const LogOptions& options = {});

  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Appends one record. Ok means the whole line has been write(2)n to the file (it survives kill -9
  // of the process; fsync follows within fsync_interval or fsync_every records). An error means the
  // caller must not release the data (fail closed); after a failed write the Log stays failed.
  [[nodiscard]] Status append(const Event& event);
  // fsync now (also done by the background flusher and on destruction).
  [[nodiscard]] Status sync();

  [[nodiscard]] uint64_t lastSeq() const;
  [[nodiscard]] std::string currentFile() const;
  [[nodiscard]] const std::string& directory() const;

  struct Impl;

 private:
  explicit Log(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The audit files of a directory in chain order (full paths).
[[nodiscard]] StatusOr<std::vector<std::string>> listFiles(const std::string& directory);

struct VerifyReport {
  bool ok = true;
  uint64_t records = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  // The first broken record when !ok: file, 1-based line, its seq (the expected seq when the line
  // does not say) and what is wrong ("hash mismatch", "prev does not chain", "seq gap", ...).
  std::string file;
  uint64_t line = 0;
  uint64_t seq = 0;
  std::string what;
};

// Checks the chain over the files in the given order. Status errors are for unreadable files only.
[[nodiscard]] StatusOr<VerifyReport> verifyFiles(const std::vector<std::string>& paths);

// "Who saw this patient's records": every record about `patient_token`, in chain order. Lines that
// do not parse are skipped (verify reports them).
[[nodiscard]] StatusOr<std::vector<Record>> query(const std::vector<std::string>& paths,
                                                  std::string_view patient_token);

// `metrogw audit verify FILE...|--dir DIR` and `metrogw audit query --patient TOKEN [--dir DIR | FILE...]`.
// argv[0] is "audit". Returns the process exit code (0 ok, 1 broken chain, 2 usage or I/O error).
int runCli(int argc, char** argv);

}  // namespace metrogw::audit
