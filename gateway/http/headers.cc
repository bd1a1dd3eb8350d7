// HeaderMap and hop-by-hop handling.
#include "gateway/http/headers.h"

#include <algorithm>

namespace metrogw::gateway::http {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(token) for each comma-separated token of `value`, trimmed, until fn returns true.
template <typename Fn>
bool anyToken(std::string_view value, Fn fn) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view token = trim(value.substr(0, comma));
    if (!token.empty() && fn(token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

const std::string* HeaderMap::get(std::string_view name) const {
  for (const auto& h : entries_) {
    if (iequals(h.name, name)) return &h.value;
  }
  return nullptr;
}

void HeaderMap::set(std::string_view name, std::string value) {
  remove(name);
  entries_.push_back({std::string(name), std::move(value)});
}

void HeaderMap::remove(std::string_view name) {
  std::erase_if(entries_, [name](const Header& h) { return iequals(h.name, name); });
}

bool HeaderMap::hasToken(std::string_view name, std::string_view token) const {
  for (const auto& h : entries_) {
    if (iequals(h.name, name) &&
        anyToken(h.value, [token](std::string_view t) { return iequals(t, token); })) {
      return true;
    }
  }
  return false;
}

bool isHopByHop(std::string_view name) {
  // By length first: this runs for every header of every proxied message.
  switch (name.size()) {
    case 2: return iequals(name, "te");
    case 7: return iequals(name, "trailer") || iequals(name, "upgrade");
    case 10: return iequals(name, "connection") || iequals(name, "keep-alive");
    case 16: return iequals(name, "proxy-connection");
    case 17: return iequals(name, "transfer-encoding");
    case 18: return iequals(name, "proxy-authenticate");
    case 19: return iequals(name, "proxy-authorization");
    default: return false;
  }
}

void stripHopByHop(HeaderMap& headers) {
  std::vector<std::string> named;
  for (const auto& h : headers.entries()) {
    if (!iequals(h.name, "connection")) continue;
    anyToken(h.value, [&named](std::string_view t) {
      // "keep-alive" and the like go anyway; usually nothing is left to remember (no allocation).
      if (!isHopByHop(t)) named.emplace_back(t);
      return false;
    });
  }
  std::erase_if(headers.entries(), [&named](const Header& h) {
    return isHopByHop(h.name) ||
           std::any_of(named.begin(), named.end(), [&h](const std::string& n) { return iequals(n, h.name); });
  });
}

}  // namespace metrogw::gateway::http
