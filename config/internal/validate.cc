// Checks on single config values: names, addresses, host:port, paths, templates, readable files.
#include "config/internal/validate.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>

namespace metrogw::config::internal {
namespace {

constexpr std::array<std::string_view, 7> kMethods = {"GET",    "HEAD",  "POST",   "PUT",
                                                      "DELETE", "PATCH", "OPTIONS"};
constexpr size_t kMaxHostName = 253;

bool isAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool isParamChar(char c) { return isAlnum(c) || c == '_'; }
bool isHostChar(char c) { return isAlnum(c) || c == '.' || c == '-' || c == '_'; }

bool isHostName(std::string_view host) {
  return !host.empty() && host.size() <= kMaxHostName && host.front() != '.' && host.front() != '-' &&
         std::all_of(host.begin(), host.end(), isHostChar);
}

StatusOr<uint16_t> parsePort(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 65535) {
    return Status::invalidArgument("port must be an integer between 1 and 65535");
  }
  return static_cast<uint16_t>(value);
}

// Splits "host:port" / "[v6]:port" into its two parts; host keeps no brackets.
Status splitHostPort(std::string_view text, std::string_view& host, std::string_view& port) {
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::invalidArgument("expected '[address]:port'");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!isIpLiteral(host) || host.find(':') == std::string_view::npos) {
      return Status::invalidArgument("'" + std::string(host) + "' is not an IPv6 address");
    }
    return Status::ok();
  }
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return Status::invalidArgument("expected 'host:port'");
  host = text.substr(0, colon);
  port = text.substr(colon + 1);
  if (host.find(':') != std::string_view::npos) {
    return Status::invalidArgument("IPv6 addresses must be bracketed, like '[::1]:8080'");
  }
  if (!isHostName(host))
    return Status::invalidArgument("'" + std::string(host) + "' is not a valid host name");
  return Status::ok();
}

Status checkTemplateSegment(std::string_view segment, std::set<std::string_view>& seen) {
  if (segment.find_first_of("{}") == std::string_view::npos) return Status::ok();
  if (segment.size() < 2 || segment.front() != '{' || segment.back() != '}') {
    return Status::invalidArgument("template parameter must be a whole segment like '/{id}', got '" +
                                   std::string(segment) + "'");
  }
  const std::string_view name = segment.substr(1, segment.size() - 2);
  if (name.empty()) return Status::invalidArgument("empty template parameter '{}'");
  if (!std::all_of(name.begin(), name.end(), isParamChar)) {
    return Status::invalidArgument("template parameter '" + std::string(segment) +
                                   "' may only contain letters, digits and '_'");
  }
  if (!seen.insert(name).second) {
    return Status::invalidArgument("template parameter '" + std::string(segment) + "' appears twice");
  }
  return Status::ok();
}

}  // namespace

bool isNodeName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](char c) { return isAlnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool isLogLevel(std::string_view level) {
  return level == "debug" || level == "info" || level == "warn" || level == "error";
}

bool isKnownMethod(std::string_view method) {
  return std::find(kMethods.begin(), kMethods.end(), method) != kMethods.end();
}

bool isIpLiteral(std::string_view address) {
  const std::string text(address);
  std::array<unsigned char, sizeof(in6_addr)> buf{};
  return inet_pton(AF_INET, text.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buf.data()) == 1;
}

StatusOr<HostAddress> parseHostPort(std::string_view text) {
  std::string_view host;
  std::string_view port_text;
  if (Status s = splitHostPort(text, host, port_text); !s.isOk()) return s;
  auto port = parsePort(port_text);
  if (!port.isOk()) return port.status();
  return HostAddress{std::string(host), *port};
}

Status checkPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return Status::invalidArgument("must start with '/'");
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f)
      return Status::invalidArgument("must not contain spaces or control characters");
    if (c == '?' || c == '#') return Status::invalidArgument("must not contain '?' or '#'");
  }
  return Status::ok();
}

Status checkPathTemplate(std::string_view path) {
  std::set<std::string_view> seen;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    if (Status s = checkTemplateSegment(path.substr(start, end - start), seen); !s.isOk()) return s;
    start = end + 1;
  }
  return Status::ok();
}

Status checkReadable(const std::string& file) {
  if (file.empty()) return Status::invalidArgument("file name must not be empty");
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return Status::ioError("'" + file + "' is a directory");
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (f == nullptr) return Status::ioError("cannot read '" + file + "': " + std::strerror(errno));
  return Status::ok();
}

}  // namespace metrogw::config::internal
