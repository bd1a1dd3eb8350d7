#include "federation/north_query.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace metrogw::federation {
namespace {

constexpr int64_t kChinaOffset = int64_t{8} * 3600;
constexpr int64_t kDefaultWindow = int64_t{14} * 86400;

[[nodiscard]] bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YYYY-MM-DD, optionally followed by "T" and a time with a zone; a bare date means 00:00 China time.
[[nodiscard]] StatusOr<std::string> isoTime(std::string_view name, std::string_view v) {
  const bool date_ok = v.size() >= 10 && allDigits(v.substr(0, 4)) && v[4] == '-' &&
                       allDigits(v.substr(5, 2)) && v[7] == '-' && allDigits(v.substr(8, 2));
  if (!date_ok || (v.size() > 10 && (v[10] != 'T' || v.size() < 17)) || v.size() > 35) {
    return Status::invalidArgument(
        "parameter '" + std::string(name) +
        "': expected an ISO 8601 date or date-time (2026-11-24 or 2026-11-24T08:00:00+08:00)");
  }
  if (v.size() == 10) return std::string(v) + "T00:00:00+08:00";
  return std::string(v);
}

[[nodiscard]] StatusOr<uint16_t> parseLimit(const gateway::http::QueryParams& params, uint16_t def,
                                            uint16_t max) {
  const auto v = params.get("limit");
  if (!v) return def;
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
  if (ec != std::errc() || ptr != v->data() + v->size() || value < 1 || value > max) {
    return Status::invalidArgument("parameter 'limit': expected an integer from 1 to " + std::to_string(max));
  }
  return static_cast<uint16_t>(value);
}

[[nodiscard]] StatusOr<bool> parseFlag(const gateway::http::QueryParams& params, std::string_view name) {
  const auto v = params.get(name);
  if (!v || *v == "false" || *v == "0") return false;
  if (*v == "true" || *v == "1" || v->empty()) return true;
  return Status::invalidArgument("parameter '" + std::string(name) + "': expected true or false");
}

// Identifiers passed on to platforms: short, printable, no separators that could smuggle syntax.
[[nodiscard]] Status checkToken(std::string_view name, std::string_view v) {
  const bool ok = !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
           c == '-' || c == '_';
  });
  if (ok) return Status::ok();
  return Status::invalidArgument("parameter '" + std::string(name) +
                                 "': expected 1-64 characters of [A-Za-z0-9._-]");
}

}  // namespace

std::string chinaTime(int64_t unix_seconds) {
  const auto t = static_cast<time_t>(unix_seconds + kChinaOffset);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S+08:00", &tm);
  return buf;
}

StatusOr<std::vector<std::string>> parseCities(const gateway::http::QueryParams& params,
                                               const std::vector<std::string>& known) {
  const auto v = params.get("city");
  if (!v) return known;
  std::vector<std::string> cities;
  std::string_view rest = *v;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string city(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (std::find(known.begin(), known.end(), city) == known.end()) {
      return Status::invalidArgument("parameter 'city': " + city + " is not a city this node federates with");
    }
    if (std::find(cities.begin(), cities.end(), city) == cities.end()) cities.push_back(city);
  }
  if (cities.empty()) return Status::invalidArgument("parameter 'city': empty");
  return cities;
}

StatusOr<model::QueryT> parseSlotQuery(const gateway::http::QueryParams& params, int64_t now_unix) {
  model::QueryT q;
  q.kind = model::QueryKind::Slots;
  const auto dept = params.get("department");
  if (!dept)
    return Status::invalidArgument("parameter 'department' is required (e.g. 04.03 for orthopaedics)");
  RETURN_IF_ERROR(checkToken("department", *dept));
  q.department_code = *dept;
  for (const char* name : {"organization", "practitioner"}) {
    if (const auto v = params.get(name)) {
      RETURN_IF_ERROR(checkToken(name, *v));
      (std::string_view(name) == "organization" ? q.organization_id : q.practitioner_id) = *v;
    }
  }
  const auto from = params.get("from");
  const auto to = params.get("to");
  if (from) {
    ASSIGN_OR_RETURN(q.from, isoTime("from", *from));
  } else {
    q.from = chinaTime(now_unix);
  }
  if (to) {
    ASSIGN_OR_RETURN(q.to, isoTime("to", *to));
  } else {
    q.to = chinaTime(now_unix + kDefaultWindow);
  }
  ASSIGN_OR_RETURN(q.limit, parseLimit(params, 50, 200));
  ASSIGN_OR_RETURN(q.family_doctor, parseFlag(params, "family_doctor"));
  return q;
}

StatusOr<model::QueryT> parseDirectoryQuery(const gateway::http::QueryParams& params) {
  model::QueryT q;
  q.kind = model::QueryKind::Organizations;
  ASSIGN_OR_RETURN(q.limit, parseLimit(params, 200, 500));
  return q;
}

}  // namespace metrogw::federation
