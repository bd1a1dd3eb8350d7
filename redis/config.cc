#include "redis/config.h"

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

}  // namespace metrogw::redis
