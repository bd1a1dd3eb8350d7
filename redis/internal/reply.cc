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

bool equalsIgnoreCase(const std::string& s, std::string_view lower_word) {
  return s.size() == lower_word.size() &&
         std::equal(s.begin(), s.end(), lower_word.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// Allocation-free: runs on every command.
bool isUnpaired(const std::vector<std::string>& args) {
  const std::string& name = args[0];
  if (name.size() < 4 || name.size() > 12) return false;  // "sync" .. "punsubscribe"; also "client"
  if (equalsIgnoreCase(name, "client")) return args.size() > 1 && equalsIgnoreCase(args[1], "reply");
  return std::any_of(kUnpairedCommands.begin(), kUnpairedCommands.end(),
                     [&](std::string_view word) { return equalsIgnoreCase(name, word); });
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
  if (isUnpaired(args))
    return Status::invalidArgument("redis command " + args[0] + " is not supported by this client");
  return Status::ok();
}

bool startsWith(const std::string& s, const char* prefix) {
  const size_t n = std::strlen(prefix);
  return s.size() >= n && s.compare(0, n, prefix) == 0;
}

}  // namespace metrogw::redis::internal
