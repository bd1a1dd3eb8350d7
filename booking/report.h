// `metrogw report bookings --month YYYY-MM`: bookings made in a month by hospital × channel, from
// the pool's counters `P pool:stats:<YYYY-MM>` (HASH "<hospital>|<channel>" → count), printed as
// CSV in the layout of the platform's published monthly tables (shared/data/nanjing_bookings_*.csv):
//   rank,hospital,online_12320,quick_booking,in_clinic,third_party[,other channels...],total
// The four published channel columns are always there (0 when none); any other channel seen that
// month gets its own column, sorted by name, before total. Rows by total descending, then hospital.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace metrogw::booking {

// hospital → channel → bookings.
using BookingCounts = std::map<std::string, std::map<std::string, int64_t>>;

// HGETALL field/value pairs → counts. Fields without '|' or values that are not non-negative
// integers are refused (invalidArgument naming the field).
[[nodiscard]] StatusOr<BookingCounts> parseBookingStats(
    const std::vector<std::pair<std::string, std::string>>& fields);

// The CSV (header line first, "\n" line ends, RFC 4180 quoting where needed).
[[nodiscard]] std::string renderBookingsCsv(const BookingCounts& counts);

// True for "YYYY-MM" with a month 01-12.
[[nodiscard]] bool validMonth(const std::string& month);

// The CLI: argv[0] == "report". `options` load --config (the app's handlers and dialects, so that
// the node's own config file is accepted; TLS files are not checked). Exit codes: 0 printed,
// 1 Redis or config failure, 2 bad arguments.
int runReportCli(int argc, char** argv, const config::LoadOptions& options = {});

}  // namespace metrogw::booking
