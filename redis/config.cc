#include "redis/config.h"

#include <hiredis/hiredis.h>

#include <cstdlib>
#include <memory>
#include <utility>

namespace metrogw::redis {

StatusOr<Options> optionsFromConfig(const config::Redis& redis) {
  ASSIGN_OR_RETURN(std::string password, readPasswordFile(redis.password_file));
  Options o;
  o.host = redis.address.host;
  o.port = redis.address.port;
  for (const auto& s : redis.sentinels) o.sentinels.emplace_back(s.host, s.port);
  o.sentinel_master = redis.sentinel_master;
  o.password = std::move(password);
  o.db = redis.db;
  o.connect_timeout = redis.connect_timeout;
  o.command_timeout = redis.command_timeout;
  return o;
}

StatusOr<config::HostAddress> currentPrimary(const config::Redis& redis) {
  if (redis.sentinels.empty()) return redis.address;
  const auto ms = redis.connect_timeout.count();
  const timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  for (const auto& s : redis.sentinels) {
    std::unique_ptr<redisContext, void (*)(redisContext*)> ctx(
        redisConnectWithTimeout(s.host.c_str(), s.port, tv), &redisFree);
    if (!ctx || ctx->err != 0 || redisSetTimeout(ctx.get(), tv) != REDIS_OK) continue;
    std::unique_ptr<redisReply, void (*)(void*)> reply(
        static_cast<redisReply*>(
            redisCommand(ctx.get(), "SENTINEL get-master-addr-by-name %s", redis.sentinel_master.c_str())),
        &freeReplyObject);
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) continue;
    const long port = std::strtol(reply->element[1]->str, nullptr, 10);
    if (port <= 0 || port > 65535) continue;
    return config::HostAddress{reply->element[0]->str, static_cast<uint16_t>(port)};
  }
  return Status::upstreamUnavailable("no sentinel named a primary for '" + redis.sentinel_master + "'");
}

}  // namespace metrogw::redis
