// Consent-governed sharing (`consent:`) and the audit trail (`audit:`). Part of config::Config
// (config/config.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace metrogw::config {

// The consent ledger and the policy engine's settings.
struct Consent {
  bool break_glass = false;  // emergency access with a mandatory reason
};

// The hash-chained audit log.
struct Audit {
  std::string directory;  // audit files are written here; required
};

}  // namespace metrogw::config
