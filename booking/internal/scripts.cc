// The pool's Lua scripts (contracts in scripts.h; key layout in booking/pool.h).
#include "booking/internal/scripts.h"

#include <string>

#include "booking/internal/lua_common.h"

namespace metrogw::booking::internal {
namespace {

redis::Script withPrelude(const char* body) { return redis::Script(std::string(kLuaPrelude) + body); }

constexpr const char* kSyncUpsert = R"LUA(
local gen = ARGV[3]
local added = 0
for i = 6, #ARGV, 11 do
  local sid, hospital, dept, doctor = ARGV[i], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local start_ms, cap, platform_booked, tertiary = ARGV[i + 7], tonumber(ARGV[i + 8]), ARGV[i + 9], ARGV[i + 10]
  local key = slotKey(sid)
  local R = rulesFor(hospital)
  local reserved = 0
  if tertiary == '1' or R.reserved_all_grades then reserved = math.ceil(cap * R.reserved_share_percent / 100) end
  if redis.call('EXISTS', key) == 0 then
    added = added + 1
    redis.call('HSET', key, 'booked', platform_booked, 'booked_family', 0, 'platform_booked', platform_booked)
  end
  redis.call('HSET', key, 'city', string.match(sid, '^([^.]+)'), 'platform_id', ARGV[i + 1], 'hospital', hospital,
    'department', dept, 'doctor', doctor, 'start', ARGV[i + 5], 'end', ARGV[i + 6], 'start_ms', start_ms,
    'capacity', cap, 'reserved', reserved, 'status', 'free', 'sync_gen', gen, 'updated_ms', NOW)
  redis.call('ZADD', P .. 'pool:idx:all', start_ms, sid)
  redis.call('ZADD', P .. 'pool:idx:h:' .. hospital, start_ms, sid)
  redis.call('ZADD', P .. 'pool:idx:d:' .. dept, start_ms, sid)
  redis.call('ZADD', P .. 'pool:idx:doc:' .. doctor, start_ms, sid)
end
return added
)LUA";

constexpr const char* kSyncFinish = R"LUA(
local gen = ARGV[3]
local withdrawn = 0
local ids = redis.call('ZRANGEBYSCORE', P .. 'pool:idx:all', ARGV[4], '(' .. ARGV[5])
for _, sid in ipairs(ids) do
  local key = slotKey(sid)
  local s = redis.call('HMGET', key, 'sync_gen', 'booked', 'platform_booked', 'status')
  if s[1] ~= gen and s[4] == 'free' and num(s[2]) - num(s[3]) <= 0 then
    redis.call('HSET', key, 'status', 'withdrawn', 'updated_ms', NOW)
    withdrawn = withdrawn + 1
  end
end
redis.call('ZREMRANGEBYSCORE', P .. 'pool:idx:all', '-inf', NOW - DAY)
return withdrawn
)LUA";

constexpr const char* kHold = R"LUA(
local replay = idemReplay()
if replay then return replay end
local sid, patient, family, caller = ARGV[6], ARGV[7], ARGV[8] == '1', ARGV[9]
purgeHolds(sid)
local slot = hash(slotKey(sid))
local refused = mayTake(slot, sid, family) or patientMayBook(slot, patient)
if refused then return idemStore(refused) end
local hid = ARGV[11] .. '.h' .. redis.call('INCR', P .. 'pool:seq')
local expires = NOW + tonumber(ARGV[10])
redis.call('ZADD', P .. 'pool:holds:' .. sid, expires, hid)
if family then redis.call('ZADD', P .. 'pool:fholds:' .. sid, expires, hid) end
local hkey = P .. 'pool:hold:' .. hid
redis.call('HSET', hkey, 'slot', sid, 'patient', patient, 'family', family and 1 or 0, 'caller', caller,
  'expires_ms', expires)
redis.call('PEXPIRE', hkey, ARGV[10])
return idemStore(ok(201, {hold = hid, slot = sid, expires = isoChina(expires), family_doctor = family}))
)LUA";

constexpr const char* kBook = R"LUA(
local replay = idemReplay()
if replay then return replay end
local sid, patient, family, caller, hid = ARGV[6], ARGV[7], ARGV[8] == '1', ARGV[9], ARGV[10]
purgeHolds(sid)
local slot = hash(slotKey(sid))
if hid ~= '' then
  local h = hash(P .. 'pool:hold:' .. hid)
  local live = redis.call('ZSCORE', P .. 'pool:holds:' .. sid, hid)
  if not live or h.slot ~= sid or h.caller ~= caller or h.patient ~= patient then
    return idemStore(problem('hold-expired', 'the hold expired or is not this caller\'s hold on this slot'))
  end
  family = h.family == '1'
  local refused = patientMayBook(slot, patient)
  if refused then return idemStore(refused) end
  redis.call('ZREM', P .. 'pool:holds:' .. sid, hid)
  redis.call('ZREM', P .. 'pool:fholds:' .. sid, hid)
  redis.call('DEL', P .. 'pool:hold:' .. hid)
else
  local refused = mayTake(slot, sid, family) or patientMayBook(slot, patient)
  if refused then return idemStore(refused) end
end
local aid = ARGV[11] .. '.a' .. redis.call('INCR', P .. 'pool:seq')
redis.call('HINCRBY', slotKey(sid), 'booked', 1)
if family then redis.call('HINCRBY', slotKey(sid), 'booked_family', 1) end
local a = {slot = sid, platform_slot = slot.platform_id, city = slot.city, patient = patient,
  family = family and '1' or '0', channel = ARGV[12], caller_city = ARGV[13], hospital = slot.hospital,
  department = slot.department, doctor = slot.doctor, start = slot.start, ['end'] = slot['end'],
  status = 'booked', delivery = 'pending', created_ms = tostring(NOW), referral = ARGV[14]}
if ARGV[14] ~= '' then
  a.referral_status = 'requested'
  a.referral_events = referralEvent(a, 'requested')
  redis.call('ZADD', P .. 'pool:referrals:' .. slot.hospital, NOW, aid)
end
local fields = {}
for k, v in pairs(a) do
  if v ~= '' then fields[#fields + 1] = k; fields[#fields + 1] = v end
end
redis.call('HSET', P .. 'pool:appt:' .. aid, unpack(fields))
local dkey = P .. 'pool:pday:' .. patient .. ':' .. string.sub(slot.start, 1, 10)
redis.call('HSET', dkey, aid, slot.doctor)
redis.call('PEXPIREAT', dkey, num(slot.start_ms) + DAY)
redis.call('XADD', P .. 'pool:delivery', '*', 'appointment', aid, 'action', 'book')
redis.call('HINCRBY', P .. 'pool:stats:' .. string.sub(isoChina(NOW), 1, 7), slot.hospital .. '|' .. ARGV[12], 1)
return idemStore(ok(201, appointmentBody(aid, a)))
)LUA";

constexpr const char* kCancel = R"LUA(
local replay = idemReplay()
if replay then return replay end
local aid, caller = ARGV[6], ARGV[7]
local akey = P .. 'pool:appt:' .. aid
local a = hash(akey)
if not a.status or (caller ~= '*' and callerOf(a) ~= caller) then
  return idemStore(problem('appointment-not-found', 'no such appointment for this caller'))
end
if a.status == 'booked' then
  local R = rulesFor(a.hospital)
  local start = num(redis.call('HGET', slotKey(a.slot), 'start_ms'))
  if NOW > start - R.cancel_cutoff_minutes * 60000 then
    return idemStore(problem('cancellation-cutoff-passed', 'cancel-cutoff: online cancellation closes ' ..
      R.cancel_cutoff_minutes .. ' minutes before the start'))
  end
  redis.call('HSET', akey, 'status', 'cancelled', 'cancelled_ms', NOW)
  redis.call('HINCRBY', slotKey(a.slot), 'booked', -1)
  if a.family == '1' then redis.call('HINCRBY', slotKey(a.slot), 'booked_family', -1) end
  redis.call('HDEL', P .. 'pool:pday:' .. a.patient .. ':' .. string.sub(a.start, 1, 10), aid)
  redis.call('XADD', P .. 'pool:delivery', '*', 'appointment', aid, 'action', 'cancel')
  a.status = 'cancelled'
elseif a.status == 'noshow' then
  return idemStore(problem('cancellation-cutoff-passed', 'the appointment is past (no-show recorded)'))
end
return idemStore(ok(200, appointmentBody(aid, a)))
)LUA";

constexpr const char* kRead = R"LUA(
local aid, caller = ARGV[6], ARGV[7]
local a = hash(P .. 'pool:appt:' .. aid)
if not a.status or (caller ~= '*' and callerOf(a) ~= caller) then
  return problem('appointment-not-found', 'no such appointment for this caller')
end
return ok(200, appointmentBody(aid, a))
)LUA";

constexpr const char* kNoShow = R"LUA(
local aid = ARGV[6]
local akey = P .. 'pool:appt:' .. aid
local a = hash(akey)
if not a.status then return problem('appointment-not-found', 'no such appointment') end
if a.status ~= 'booked' then return problem('slot-unavailable', 'only a booked appointment can be a no-show') end
local R = rulesFor(a.hospital)
redis.call('HSET', akey, 'status', 'noshow')
a.status = 'noshow'
redis.call('HDEL', P .. 'pool:pday:' .. a.patient .. ':' .. string.sub(a.start, 1, 10), aid)
local nkey = P .. 'pool:noshow:' .. a.patient
redis.call('ZADD', nkey, NOW, aid)
redis.call('ZREMRANGEBYSCORE', nkey, '-inf', NOW - R.noshow_window_days * DAY)
redis.call('PEXPIRE', nkey, R.noshow_window_days * DAY)
local body = appointmentBody(aid, a)
body.suspended = false
if redis.call('ZCARD', nkey) >= R.noshow_limit and R.suspension_days > 0 then
  redis.call('SET', P .. 'pool:suspended:' .. a.patient, '1', 'PX', R.suspension_days * DAY)
  body.suspended = true
end
return ok(200, body)
)LUA";

constexpr const char* kSearch = R"LUA(
local idx = P .. 'pool:' .. ARGV[3]
local from, to = ARGV[4], '(' .. ARGV[5]
local offset, limit = tonumber(ARGV[6]), tonumber(ARGV[7])
local hospital, dept, doctor = ARGV[8], ARGV[9], ARGV[10]
local out = {''}
local scanned, chunk, budget = 0, 200, 5000
while #out - 1 < limit and scanned < budget do
  local ids = redis.call('ZRANGEBYSCORE', idx, from, to, 'LIMIT', offset, chunk)
  if #ids == 0 then return out end
  for _, sid in ipairs(ids) do
    offset = offset + 1
    scanned = scanned + 1
    local s = hash(slotKey(sid))
    if s.status == 'free' and (hospital == '' or s.hospital == hospital) and (dept == '' or s.department == dept) and
        (doctor == '' or s.doctor == doctor) then
      local pub, fam = places(s, sid)
      out[#out + 1] = cjson.encode({id = sid, city = s.city, hospital = s.hospital, department = s.department,
        doctor = s.doctor, start = s.start, ['end'] = s['end'], capacity = num(s.capacity), available = pub,
        family_available = fam})
      if #out - 1 >= limit then break end
    end
  end
  if #ids < chunk and #out - 1 < limit then return out end
end
out[1] = tostring(offset)
return out
)LUA";

}  // namespace

const redis::Script& syncUpsertScript() {
  static const redis::Script s = withPrelude(kSyncUpsert);
  return s;
}
const redis::Script& syncFinishScript() {
  static const redis::Script s = withPrelude(kSyncFinish);
  return s;
}
const redis::Script& holdScript() {
  static const redis::Script s = withPrelude(kHold);
  return s;
}
const redis::Script& bookScript() {
  static const redis::Script s = withPrelude(kBook);
  return s;
}
const redis::Script& cancelScript() {
  static const redis::Script s = withPrelude(kCancel);
  return s;
}
const redis::Script& readScript() {
  static const redis::Script s = withPrelude(kRead);
  return s;
}
const redis::Script& noShowScript() {
  static const redis::Script s = withPrelude(kNoShow);
  return s;
}
const redis::Script& searchScript() {
  static const redis::Script s = withPrelude(kSearch);
  return s;
}

}  // namespace metrogw::booking::internal
