// The body of POST /v1/patients/$resolve, parsed and validated into a Subject.
//
//   {"resident_id": "<18 or 15 characters>", "name": "王建国", "birth_date": "1980-01-01"}
//   {"identifier": {"type": "passport", "value": "E12345678"}, "name": ..., "birth_date": ...}
//   identifier.type: resident-id, health-card, passport, hk-macau-permit, taiwan-permit,
//   hospital-local (then identifier.assigner names the hospital).
// Identifiers stay in the body: never in a URL, where access logs and proxies would keep them.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "gateway/http/problem.h"
#include "identity/index/match.h"

namespace metrogw::identity::index {

struct RequestError {
  gateway::http::Problem problem;
  std::string detail;  // never contains the identifier, name or birth date
};

struct ParsedResolve {
  Subject subject;
  bool check_flagged = false;  // a wrong check character let through by check_digit: flag
};

// `today` ("YYYYMMDD", empty: the system date) is for tests.
[[nodiscard]] std::variant<ParsedResolve, RequestError> parseResolveBody(std::string_view body,
                                                                         const config::Identity& settings,
                                                                         const std::string& today = "");

}  // namespace metrogw::identity::index
