// Consent-governed sharing (`consent:`) and the audit trail (`audit:`). Part of config::Config
// (config/config.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace metrogw::config {

// One obligation override: the fields to drop from released records for (category, purpose).
// "*" names every category / purpose. Replaces policy::defaultDropTable()'s entry (drop: [] clears).
struct Obligation {
  std::string category;  // lab-report | exam-report | record-summary | appointment | *
  std::string purpose;   // treatment | referral | emergency | *
  std::vector<std::string> drop;
};

// The consent ledger and the policy engine's settings.
struct Consent {
  bool break_glass = false;             // emergency access with a mandatory reason
  std::vector<Obligation> obligations;  // applied in order over the defaults
};

// The hash-chained audit log (audit/audit.h).
struct Audit {
  std::string directory;                            // audit files are written here; required
  std::string hash = "sm3";                         // sm3 | sha256
  std::chrono::milliseconds fsync_interval{1'000};  // fsync at most this long after a write
  uint32_t fsync_every = 256;                       // ... or after this many records
  uint64_t max_file_bytes = 64ULL * 1024 * 1024;    // rotate past this size
  bool rotate_daily = true;                         // rotate when the UTC day changes
  uint32_t retention_days = 180;                    // delete files older than this (>= 180)
  bool ship = true;                                 // ship to <prefix>audit:events (needs redis)
  uint64_t stream_maxlen = 1'000'000;               // XADD MAXLEN ~
  std::chrono::milliseconds ship_interval{500};     // shipper poll period
};

}  // namespace metrogw::config
