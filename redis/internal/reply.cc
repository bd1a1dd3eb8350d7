// redisReply → Reply and the unsupported-command check.
#include "redis/internal/reply.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string_view>

namespace metrogw::redis::internal {
namespace {

// Commands after which the server sends replies no command asked for (or none at all).
constexpr std::array<std::string_view, 9> kUnpairedCommands = {"subscribe",   "psubscribe",   "ssubscribe",
                                                               "unsubscribe", "punsubscribe", "sunsubscribe",
                                                               "monitor",     "sync",         "psync"};

std::string lower(const std::string& s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Reply::Type typeOf(int hiredis_type) {
  switch (hiredis_type) {
    case REDIS_REPLY_STRING: return Reply::Type::kString;
    case REDIS_REPLY_STATUS: return Reply::Type::kStatus;
    case REDIS_REPLY_INTEGER: return Reply::Type::kInteger;
    case REDIS_REPLY_ARRAY: return Reply::Type::kArray;
    case REDIS_REPLY_ERROR: return Reply::Type::kError;
    default: return Reply::Type::kNil;
  }
}

}  // namespace

Reply toReply(const redisReply& reply) {
  Reply out;
  out.type = typeOf(reply.type);
  switch (out.type) {
    case Reply::Type::kString:
    case Reply::Type::kStatus:
    case Reply::Type::kError:
      if (reply.str != nullptr) out.str.assign(reply.str, reply.len);
      break;
    case Reply::Type::kInteger: out.integer = reply.integer; break;
    case Reply::Type::kArray:
      out.elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) {
        out.elements.push_back(reply.element[i] != nullptr ? toReply(*reply.element[i]) : Reply{});
      }
      break;
    case Reply::Type::kNil: break;
  }
  return out;
}

Status checkCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0].empty()) return Status::invalidArgument("empty redis command");
  const std::string name = lower(args[0]);
  const bool unpaired =
      std::find(kUnpairedCommands.begin(), kUnpairedCommands.end(), name) != kUnpairedCommands.end() ||
      (name == "client" && args.size() > 1 && lower(args[1]) == "reply");
  if (unpaired) return Status::invalidArgument("redis command " + name + " is not supported by this client");
  return Status::ok();
}

bool startsWith(const std::string& s, const char* prefix) {
  const size_t n = std::strlen(prefix);
  return s.size() >= n && s.compare(0, n, prefix) == 0;
}

}  // namespace metrogw::redis::internal
