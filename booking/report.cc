#include "booking/report.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>

namespace metrogw::booking {
namespace {

// The channel columns of the platform's March 2025 table, in its order.
constexpr const char* kPublishedChannels[] = {"online_12320", "quick_booking", "in_clinic", "third_party"};

[[nodiscard]] bool parseCount(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

[[nodiscard]] std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

[[nodiscard]] std::vector<std::string> channelColumns(const BookingCounts& counts) {
  std::vector<std::string> columns(std::begin(kPublishedChannels), std::end(kPublishedChannels));
  std::set<std::string> extra;
  for (const auto& [hospital, by_channel] : counts) {
    for (const auto& [channel, n] : by_channel) {
      if (std::find(columns.begin(), columns.end(), channel) == columns.end()) extra.insert(channel);
    }
  }
  columns.insert(columns.end(), extra.begin(), extra.end());
  return columns;
}

[[nodiscard]] int64_t total(const std::map<std::string, int64_t>& by_channel) {
  int64_t t = 0;
  for (const auto& [channel, n] : by_channel) t += n;
  return t;
}

}  // namespace

StatusOr<BookingCounts> parseBookingStats(const std::vector<std::pair<std::string, std::string>>& fields) {
  BookingCounts out;
  for (const auto& [field, value] : fields) {
    const auto bar = field.rfind('|');
    int64_t n = 0;
    if (bar == std::string::npos || bar == 0 || bar + 1 == field.size()) {
      return Status::invalidArgument("stats field '" + field + "': not <hospital>|<channel>");
    }
    if (!parseCount(value, n)) return Status::invalidArgument("stats field '" + field + "': not a count");
    out[field.substr(0, bar)][field.substr(bar + 1)] += n;
  }
  return out;
}

std::string renderBookingsCsv(const BookingCounts& counts) {
  const auto columns = channelColumns(counts);
  std::string out = "rank,hospital";
  for (const auto& c : columns) out += "," + csvField(c);
  out += ",total\n";
  std::vector<std::pair<int64_t, std::string>> rows;
  for (const auto& [hospital, by_channel] : counts) rows.emplace_back(total(by_channel), hospital);
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  int rank = 0;
  for (const auto& [sum, hospital] : rows) {
    out += std::to_string(++rank) + "," + csvField(hospital);
    const auto& by_channel = counts.at(hospital);
    for (const auto& c : columns) {
      const auto it = by_channel.find(c);
      out += "," + std::to_string(it == by_channel.end() ? 0 : it->second);
    }
    out += "," + std::to_string(sum) + "\n";
  }
  return out;
}

bool validMonth(const std::string& month) {
  if (month.size() != 7 || month[4] != '-') return false;
  for (const size_t i : {0, 1, 2, 3, 5, 6}) {
    if (month[i] < '0' || month[i] > '9') return false;
  }
  const int m = (month[5] - '0') * 10 + (month[6] - '0');
  return m >= 1 && m <= 12;
}

}  // namespace metrogw::booking
