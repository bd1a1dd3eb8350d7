#include "sim/cli.h"

#include <charconv>
#include <string_view>

#include "sim/catalog.h"

namespace metrogw::sim {
namespace {

[[nodiscard]] bool parseUint(std::string_view s, uint64_t max, uint64_t& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size() && out <= max;
}

[[nodiscard]] Status applyFlag(std::string_view flag, std::string_view value, SimOptions& o) {
  uint64_t n = 0;
  if (flag == "--dialect") {
    if (value != "fhir-r4" && value != "hl7v2" && value != "hl7v3-cda") {
      return Status::invalidArgument("--dialect: expected fhir-r4, hl7v2 or hl7v3-cda");
    }
    o.dialect = value;
  } else if (flag == "--city") {
    if (!cityInfo(value).isOk())
      return Status::invalidArgument("--city: simulated cities are 3201, 3402 and 3405");
    o.city = value;
  } else if (flag == "--port") {
    if (!parseUint(value, 65535, n)) return Status::invalidArgument("--port: expected 0..65535");
    o.port = static_cast<uint16_t>(n);
  } else if (flag == "--host") {
    if (value.empty()) return Status::invalidArgument("--host: empty");
    o.host = value;
  } else if (flag == "--seed") {
    if (!parseUint(value, UINT64_MAX, n))
      return Status::invalidArgument("--seed: expected a non-negative integer");
    o.seed = n;
  } else if (flag == "--start-date") {
    auto d = parseDate(value);
    if (!d.isOk()) return Status::invalidArgument("--start-date: expected a valid YYYY-MM-DD");
    o.start = d.value();
  } else if (flag == "--days") {
    if (!parseUint(value, 90, n) || n == 0) return Status::invalidArgument("--days: expected 1..90");
    o.days = static_cast<int>(n);
  } else if (flag == "--release") {
    const size_t colon = value.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || !parseUint(value.substr(colon + 1), 100000, n) ||
        n == 0)
      return Status::invalidArgument("--release: expected HOSPITAL_ID:N with N in 1..100000");
    o.release_hospital = value.substr(0, colon);
    o.release_slots = static_cast<int>(n);
  } else {
    return Status::invalidArgument("unknown flag " + std::string(flag.substr(0, 40)));
  }
  return Status::ok();
}

}  // namespace

const char* usageText() {
  return "usage: metrogw-sim --dialect {fhir-r4|hl7v2|hl7v3-cda} --city <3201|3402|3405> --port P\n"
         "                   [--host 127.0.0.1] [--seed N] [--start-date YYYY-MM-DD] [--days 14]\n"
         "                   [--release HOSPITAL_ID:N]\n"
         "Simulates a city health platform with deterministic seeded data. Prints one JSON line\n"
         "{\"event\":\"ready\",...} on stdout when listening (port 0 picks a free port); logs JSON lines\n"
         "on stderr; SIGTERM/SIGINT stop it (exit 0); bad arguments exit 2.\n";
}

StatusOr<SimOptions> parseArgs(int argc, const char* const* argv) {
  SimOptions o;
  o.start = todayLocal();
  bool have_port = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      o.help = true;
      return o;
    }
    std::string_view value;
    if (const size_t eq = flag.find('='); flag.substr(0, 2) == "--" && eq != std::string_view::npos) {
      RETURN_IF_ERROR(applyFlag(flag.substr(0, eq), flag.substr(eq + 1), o));
      have_port = have_port || flag.substr(0, eq) == "--port";
      continue;
    }
    if (i + 1 >= argc) return Status::invalidArgument(std::string(flag.substr(0, 40)) + ": missing value");
    value = argv[++i];
    RETURN_IF_ERROR(applyFlag(flag, value, o));
    have_port = have_port || flag == "--port";
  }
  if (o.dialect.empty()) return Status::invalidArgument("--dialect: required");
  if (o.city.empty()) return Status::invalidArgument("--city: required");
  if (!have_port) return Status::invalidArgument("--port: required (0 picks a free port)");
  return o;
}

}  // namespace metrogw::sim
