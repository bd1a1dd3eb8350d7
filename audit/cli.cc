// `metrogw audit verify|query`: the operator's view of the audit trail.
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"

namespace metrogw::audit {
namespace {

constexpr int kOk = 0;
constexpr int kBroken = 1;
constexpr int kUsage = 2;

constexpr const char* kUsageText =
    "usage: metrogw audit verify [--dir DIR] [FILE...]\n"
    "       metrogw audit query --patient TOKEN [--dir DIR] [FILE...]\n";

struct Args {
  std::string patient;
  std::vector<std::string> files;
  bool ok = true;
};

// Parses --patient, --dir (expanded to its files in chain order) and FILE operands.
Args parseArgs(int argc, char** argv) {
  Args a;
  for (int i = 0; i < argc && a.ok; ++i) {
    const std::string_view arg = argv[i];
    const bool takes_value = arg == "--patient" || arg == "--dir";
    if ((takes_value && i + 1 >= argc) || (!takes_value && arg.starts_with("--"))) {
      a.ok = false;
    } else if (arg == "--patient") {
      a.patient = argv[++i];
    } else if (arg == "--dir") {
      auto files = listFiles(argv[++i]);
      if (!files.isOk()) {
        std::fprintf(stderr, "%s\n", files.status().message().c_str());
        a.ok = false;
      } else {
        a.files.insert(a.files.end(), files->begin(), files->end());
      }
    } else {
      a.files.emplace_back(arg);
    }
  }
  return a;
}

std::string isoTime(int64_t ms) {
  const auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string orDash(const std::string& s) { return s.empty() ? "-" : s; }

int verifyCommand(const Args& args) {
  const auto report = verifyFiles(args.files);
  if (!report.isOk()) {
    std::fprintf(stderr, "audit verify: %s\n", report.status().message().c_str());
    return kUsage;
  }
  const auto& r = report.value();
  if (!r.ok) {
    std::printf("BROKEN %s line %llu seq %llu: %s\n", r.file.c_str(), static_cast<unsigned long long>(r.line),
                static_cast<unsigned long long>(r.seq), r.what.c_str());
    return kBroken;
  }
  std::printf("OK %llu records, seq %llu..%llu, %zu files\n", static_cast<unsigned long long>(r.records),
              static_cast<unsigned long long>(r.first_seq), static_cast<unsigned long long>(r.last_seq),
              args.files.size());
  return kOk;
}

int queryCommand(const Args& args) {
  const auto records = query(args.files, args.patient);
  if (!records.isOk()) {
    std::fprintf(stderr, "audit query: %s\n", records.status().message().c_str());
    return kUsage;
  }
  std::printf(
      "time\taction\tcaller\tcaller_city\tpractitioner\tcategory\tpurpose\tdecision\tconsent_id\tbreak_"
      "glass\n");
  for (const auto& rec : records.value()) {
    const Event& e = rec.event;
    std::printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", isoTime(e.time_ms).c_str(),
                orDash(e.action).c_str(), orDash(e.caller).c_str(), orDash(e.caller_city).c_str(),
                orDash(e.practitioner).c_str(), orDash(e.category).c_str(), orDash(e.purpose).c_str(),
                orDash(e.decision).c_str(), orDash(e.consent_id).c_str(),
                e.break_glass ? ("yes: " + e.break_glass_reason).c_str() : "no");
  }
  return kOk;
}

}  // namespace

int runCli(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsageText, stderr);
    return kUsage;
  }
  const std::string_view command = argv[1];
  const Args args = parseArgs(argc - 2, argv + 2);
  if (args.ok && args.files.empty()) {
    std::fputs("audit: no audit files given or found\n", stderr);
    return kUsage;
  }
  if (!args.ok || (command == "query" && args.patient.empty())) {
    std::fputs(kUsageText, stderr);
    return kUsage;
  }
  if (command == "verify") return verifyCommand(args);
  if (command == "query") return queryCommand(args);
  std::fputs(kUsageText, stderr);
  return kUsage;
}

}  // namespace metrogw::audit
