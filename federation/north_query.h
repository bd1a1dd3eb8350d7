// North API query parameters -> canonical Query, with clear errors for bad parameters.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "gateway/http/query.h"
#include "model/model.h"

namespace metrogw::federation {

// `city=3201,3405` -> those cities (each must be in `known`); absent -> every known city.
[[nodiscard]] StatusOr<std::vector<std::string>> parseCities(const gateway::http::QueryParams& params,
                                                             const std::vector<std::string>& known);

// GET /v1/slots: department (required), from/to (ISO date or date-time; default now .. +14 days,
// China time), organization, practitioner, limit (1-200, default 50), family_doctor (true/false).
[[nodiscard]] StatusOr<model::QueryT> parseSlotQuery(const gateway::http::QueryParams& params,
                                                     int64_t now_unix);

// GET /v1/hospitals: limit (1-500, default 200).
[[nodiscard]] StatusOr<model::QueryT> parseDirectoryQuery(const gateway::http::QueryParams& params);

// "2026-11-24T08:00:00+08:00" for a Unix time, in China time (UTC+8).
[[nodiscard]] std::string chinaTime(int64_t unix_seconds);

}  // namespace metrogw::federation
