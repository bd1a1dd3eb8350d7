// HTTP header list with case-insensitive lookup, plus the hop-by-hop rules of RFC 9110 §7.6.1.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace metrogw::gateway::http {

struct Header {
  std::string name;
  std::string value;
};

[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

// Ordered list; duplicates allowed (Set-Cookie). Lookups are linear: messages carry few headers.
class HeaderMap {
 public:
  void add(std::string name, std::string value) { entries_.push_back({std::move(name), std::move(value)}); }
  [[nodiscard]] const std::string* get(std::string_view name) const;
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);
  // True if the comma-separated header `name` contains `token` (case-insensitive).
  [[nodiscard]] bool hasToken(std::string_view name, std::string_view token) const;
  [[nodiscard]] const std::vector<Header>& entries() const { return entries_; }
  [[nodiscard]] std::vector<Header>& entries() { return entries_; }
  [[nodiscard]] size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }

 private:
  std::vector<Header> entries_;
};

// Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade and the
// Proxy-Authenticate/Authorization pair.
[[nodiscard]] bool isHopByHop(std::string_view name);

// Removes hop-by-hop headers and every header named in Connection.
void stripHopByHop(HeaderMap& headers);

}  // namespace metrogw::gateway::http
