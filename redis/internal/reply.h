// Conversions between hiredis and the client's types: redisReply → Reply, and the check that
// refuses commands which would break hiredis's one-reply-per-command pairing.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "redis/client.h"

struct redisReply;

namespace metrogw::redis::internal {

// Deep copy of a hiredis reply (which hiredis frees after the callback returns).
[[nodiscard]] Reply toReply(const redisReply& reply);

// Ok, or invalidArgument for an empty command or one this client cannot pair with replies:
// (P|S)(UN)SUBSCRIBE, MONITOR, SYNC, PSYNC, CLIENT REPLY. Case-insensitive.
[[nodiscard]] Status checkCommand(const std::vector<std::string>& args);

[[nodiscard]] bool startsWith(const std::string& s, const char* prefix);

}  // namespace metrogw::redis::internal
