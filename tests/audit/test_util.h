// Helpers for audit tests: a temp directory, a config, sample events, file I/O.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "audit/audit.h"

namespace metrogw::audit::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "metrogw-audit-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline config::Audit auditConfig(const std::string& dir) {
  config::Audit c;
  c.directory = dir + "/log";
  c.ship = false;
  return c;
}

inline Event readEvent(int i, std::string patient = "k1.patient-a") {
  Event e;
  e.time_ms = 1'763'900'000'000 + i;
  e.action = "read";
  e.caller = "CN=node.3405.metrogw";
  e.caller_city = "3405";
  e.owner_city = "3201";
  e.practitioner = "dr-li";
  e.patient_token = std::move(patient);
  e.category = "lab-report";
  e.purpose = "treatment";
  e.decision = i % 3 == 0 ? "deny" : "permit";
  e.reason = i % 3 == 0 ? "no-consent" : "consent";
  e.consent_id = i % 3 == 0 ? "" : "c-42";
  e.request_id = "req-" + std::to_string(i);
  e.resource_id = "lab-" + std::to_string(i);
  return e;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void spit(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

// Overwrites one byte in place (no truncation, so no flush-on-close from the file system).
inline void pokeByte(const std::string& path, size_t pos, char value) {
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(static_cast<std::streamoff>(pos));
  f.put(value);
}

}  // namespace metrogw::audit::test
