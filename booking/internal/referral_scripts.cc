// The receiving side of a referral: status changes and refer-back, each one atomic script
// (contracts in scripts.h; fields of P pool:appt:<aid> in booking/pool.h).
#include <string>

#include "booking/internal/lua_common.h"
#include "booking/internal/scripts.h"

namespace metrogw::booking::internal {
namespace {

// The appointment, or the refusal when it is not the actor's or carries no referral.
constexpr const char* kReferralPrelude = R"LUA(
local aid, actor = ARGV[6], ARGV[7]
local akey = P .. 'pool:appt:' .. aid
local function referralOf()
  local a = hash(akey)
  if not a.status or (actor ~= '*' and actor ~= a.hospital) then
    return nil, problem('appointment-not-found', 'no such appointment of this city for this hospital')
  end
  if not a.referral or a.referral == '' then
    return nil, problem('referral-transition-not-allowed', 'referral-transition: the appointment carries no referral')
  end
  return a, nil
end
)LUA";

constexpr const char* kReferralStatus = R"LUA(
local replay = idemReplay()
if replay then return replay end
local to, allowed, note = ARGV[8], ARGV[9], ARGV[10]
local a, refused = referralOf()
if refused then return idemStore(refused) end
local current = a.referral_status or 'requested'
if not string.find(' ' .. allowed .. ' ', ' ' .. current .. ' ', 1, true) then
  return idemStore(problem('referral-transition-not-allowed', 'referral-transition: a ' .. current ..
    ' referral cannot become ' .. to .. ' (only from ' .. allowed .. ')'))
end
if to ~= 'rejected' and a.status ~= 'booked' then
  return idemStore(problem('referral-transition-not-allowed', 'referral-transition: the appointment is ' ..
    a.status .. ', the referral can only be rejected'))
end
a.referral_status = to
a.referral_events = referralEvent(a, to, note)
redis.call('HSET', akey, 'referral_status', to, 'referral_events', a.referral_events, 'referral_updated_ms', NOW)
return idemStore(ok(200, appointmentBody(aid, a)))
)LUA";

constexpr const char* kReferBack = R"LUA(
local replay = idemReplay()
if replay then return replay end
local a, refused = referralOf()
if refused then return idemStore(refused) end
local current = a.referral_status or 'requested'
if current ~= 'accepted' and current ~= 'completed' then
  return idemStore(problem('referral-transition-not-allowed', 'refer-back: a ' .. current ..
    ' referral cannot be referred back (accepted or completed only)'))
end
if a.referral_back and a.referral_back ~= '' then
  return idemStore(problem('referral-transition-not-allowed', 'refer-back: the appointment was already referred back'))
end
local r = cjson.decode(a.referral)
local b = cjson.decode(ARGV[8])
local back = {id = b.id or (aid .. '.back'), to = type(r) == 'table' and r.from or nil,
  from = {city = a.city, hospital = a.hospital, department = a.department, practitioner = b.practitioner or a.doctor},
  diagnosis = b.diagnosis, summary = b.summary, instructions = b.instructions, created = isoChina(NOW)}
a.referral_back = cjson.encode(back)
a.referral_events = referralEvent(a, 'referred-back')
redis.call('HSET', akey, 'referral_back', a.referral_back, 'referral_events', a.referral_events,
  'referral_updated_ms', NOW)
return idemStore(ok(201, appointmentBody(aid, a)))
)LUA";

// The referrals a hospital received, oldest first (a stable order for paging): the appointments in
// P pool:referrals:<hospital> (added by the book script), filtered by referral status.
constexpr const char* kReferralList = R"LUA(
local actor, hospital, want = ARGV[6], ARGV[7], ARGV[8]
local pos, limit = num(ARGV[9]), num(ARGV[10])
if actor ~= '*' then
  if hospital ~= '' and hospital ~= actor then
    return problem('caller-not-allowed', 'hospital: a hospital partner lists its own referrals only')
  end
  hospital = actor
end
if hospital == '' then return problem('invalid-parameter', "parameter 'hospital': required") end
local key = P .. 'pool:referrals:' .. hospital
local total = redis.call('ZCARD', key)
local parts, scanned = {}, 0
while #parts < limit and pos < total and scanned < 2000 do
  local ids = redis.call('ZRANGE', key, pos, pos + 99)
  if #ids == 0 then break end
  for _, aid in ipairs(ids) do
    pos = pos + 1
    scanned = scanned + 1
    local a = hash(P .. 'pool:appt:' .. aid)
    if a.status and (want == '' or (a.referral_status or 'requested') == want) then
      parts[#parts + 1] = cjson.encode(appointmentBody(aid, a))
      if #parts == limit then break end
    end
  end
end
local body = '{"hospital":' .. cjson.encode(hospital) .. ',"referrals":[' .. table.concat(parts, ',') .. ']'
if pos < total then body = body .. ',"next_cursor":"' .. pos .. '"' end
return {'ok', '200', body .. '}'}
)LUA";

redis::Script referralScript(const char* body) {
  return redis::Script(std::string(kLuaPrelude) + kReferralPrelude + body);
}

}  // namespace

const redis::Script& referralStatusScript() {
  static const redis::Script s = referralScript(kReferralStatus);
  return s;
}

const redis::Script& referralListScript() {
  static const redis::Script s = referralScript(kReferralList);
  return s;
}

const redis::Script& referBackScript() {
  static const redis::Script s = referralScript(kReferBack);
  return s;
}

}  // namespace metrogw::booking::internal
