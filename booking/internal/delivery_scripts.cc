#include "booking/internal/delivery_scripts.h"

namespace metrogw::booking::internal {

const redis::Script& deliveredScript() {
  static const redis::Script kScript(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local status = redis.call('HGET', KEYS[1], 'status')
if ARGV[1] == 'cancel' then
  if status == 'cancelled' then redis.call('HSET', KEYS[1], 'delivery', 'delivered') end
  redis.call('HSET', KEYS[1], 'cancel_delivered_ms', ARGV[3])
  return 1
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'platform_ref', ARGV[2]) end
if status == 'failed' then
  redis.call('XADD', KEYS[2], '*', 'appointment', ARGV[4], 'action', 'cancel')
  return 2
end
redis.call('HSET', KEYS[1], 'delivery', 'delivered', 'delivered_ms', ARGV[3])
if status == 'cancelled' then
  redis.call('XADD', KEYS[2], '*', 'appointment', ARGV[4], 'action', 'cancel')
  return 2
end
return 1
)lua");
  return kScript;
}

const redis::Script& failScript() {
  static const redis::Script kScript(R"lua(
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
local released = 0
if status == 'booked' then
  if redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call('HINCRBY', KEYS[2], 'booked', -1)
    if redis.call('HGET', KEYS[1], 'family') == '1' then redis.call('HINCRBY', KEYS[2], 'booked_family', -1) end
    redis.call('HSET', KEYS[2], 'updated_ms', ARGV[2])
  end
  redis.call('HDEL', KEYS[3], ARGV[3])
  if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[4], ARGV[4], -1) end
  redis.call('HSET', KEYS[1], 'status', 'failed')
  released = 1
end
redis.call('HSET', KEYS[1], 'delivery', 'failed', 'reason', ARGV[1], 'failed_ms', ARGV[2])
return released
)lua");
  return kScript;
}

}  // namespace metrogw::booking::internal
