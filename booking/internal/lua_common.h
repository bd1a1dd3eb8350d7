// The Lua prelude shared by the pool's scripts (see scripts.h): time, hashes, rules, the places a
// caller may take, idempotency records, China-time formatting.
#pragma once

namespace metrogw::booking::internal {

inline constexpr const char* kLuaPrelude = R"LUA(
local P = ARGV[1]
local RULES = cjson.decode(ARGV[2])
local DAY = 86400000
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local NOW = nowMs()
local function hash(key)
  local r = redis.call('HGETALL', key)
  local h = {}
  for i = 1, #r, 2 do h[r[i]] = r[i + 1] end
  return h
end
local function rulesFor(hospital)
  return RULES[hospital] or RULES['*']
end
local function num(v) return tonumber(v) or 0 end
-- China time (UTC+8) ISO 8601 for a unix ms time.
local function isoChina(ms)
  local s = math.floor(ms / 1000) + 8 * 3600
  local days = math.floor(s / 86400)
  local rem = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d+08:00', y, m, d, math.floor(rem / 3600),
    math.floor((rem % 3600) / 60), rem % 60)
end
local function problem(slug, detail) return {'problem', slug, detail} end
local function ok(status, body) return {'ok', tostring(status), cjson.encode(body)} end
local function idemReplay()
  if ARGV[3] == '' then return nil end
  local r = redis.call('HMGET', ARGV[3], 'digest', 'kind', 'a', 'b')
  if not r[1] then return nil end
  if r[1] ~= ARGV[4] then
    return problem('idempotency-key-reused', 'this Idempotency-Key was used for a different request')
  end
  return {r[2], r[3], r[4], 'replay'}
end
local function idemStore(res)
  if ARGV[3] ~= '' then
    redis.call('HSET', ARGV[3], 'digest', ARGV[4], 'kind', res[1], 'a', res[2], 'b', res[3])
    redis.call('PEXPIRE', ARGV[3], ARGV[5])
  end
  return res
end
local function slotKey(sid) return P .. 'pool:slot:' .. sid end
local function purgeHolds(sid)
  redis.call('ZREMRANGEBYSCORE', P .. 'pool:holds:' .. sid, '-inf', NOW)
  redis.call('ZREMRANGEBYSCORE', P .. 'pool:fholds:' .. sid, '-inf', NOW)
end
-- Places a slot offers now: public, family, and why the public gets none
-- ('past', 'withdrawn', 'window', 'reserved', 'full' or nil).
local function places(slot, sid)
  if slot.status ~= 'free' then return 0, 0, 'withdrawn' end
  local start = num(slot.start_ms)
  if NOW >= start then return 0, 0, 'past' end
  local R = rulesFor(slot.hospital)
  local cap = num(slot.capacity)
  local reserved = num(slot.reserved)
  local holds = redis.call('ZCOUNT', P .. 'pool:holds:' .. sid, '(' .. NOW, '+inf')
  local fholds = redis.call('ZCOUNT', P .. 'pool:fholds:' .. sid, '(' .. NOW, '+inf')
  local taken = num(slot.booked) + holds
  local takenF = num(slot.booked_family) + fholds
  local free = math.max(cap - taken, 0)
  if NOW < start - R.family_window_days * DAY then return 0, 0, 'window' end
  if NOW < start - R.public_window_days * DAY then
    return 0, math.min(free, math.max(reserved - takenF, 0)), 'window'
  end
  if R.reserved_opens_at_public then return free, free, (free == 0) and 'full' or nil end
  local pub = math.min(free, math.max(cap - reserved - (taken - takenF), 0))
  local why = nil
  if free == 0 then why = 'full' elseif pub == 0 then why = 'reserved' end
  return pub, free, why
end
-- nil when the caller may take a place of the slot, else the refusal.
local function mayTake(slot, sid, family)
  if not slot.status then return problem('slot-unavailable', 'no such slot in the pool') end
  local pub, fam, why = places(slot, sid)
  if (family and fam > 0) or (not family and pub > 0) then return nil end
  if why == 'past' then return problem('booking-window-closed', 'the slot has started') end
  if why == 'window' then
    local R = rulesFor(slot.hospital)
    local days = family and R.family_window_days or R.public_window_days
    if family and NOW >= num(slot.start_ms) - R.family_window_days * DAY then
      return problem('slot-unavailable', 'the family-doctor share of the slot is taken')
    end
    return problem('booking-window-closed', 'booking-window: the slot opens ' .. days .. ' days before its start, at ' ..
      isoChina(num(slot.start_ms) - days * DAY))
  end
  if why == 'reserved' then
    return problem('reserved-for-family-doctors', 'reserved-share: the remaining places are reserved for family doctors')
  end
  return problem('slot-unavailable', 'the slot has no place left')
end
-- nil when the patient may book the slot, else the refusal (suspension, per-patient limits).
local function patientMayBook(slot, patient)
  if redis.call('EXISTS', P .. 'pool:suspended:' .. patient) == 1 then
    return problem('patient-suspended', 'no-show-suspension: the patient is suspended from online booking until ' ..
      isoChina(NOW + redis.call('PTTL', P .. 'pool:suspended:' .. patient)))
  end
  local R = rulesFor(slot.hospital)
  local day = redis.call('HGETALL', P .. 'pool:pday:' .. patient .. ':' .. string.sub(slot.start, 1, 10))
  local same = 0
  for i = 2, #day, 2 do if day[i] == slot.doctor then same = same + 1 end end
  if same >= R.per_doctor_per_day then
    return problem('patient-limit-reached', 'per-doctor-per-day: the patient already has ' .. same ..
      ' active booking(s) with this doctor on this day')
  end
  if #day / 2 >= R.per_patient_per_day then
    return problem('patient-limit-reached', 'per-patient-per-day: the patient already has ' .. (#day / 2) ..
      ' active bookings on this day (limit ' .. R.per_patient_per_day .. ')')
  end
  return nil
end
local function appointmentBody(aid, a)
  local body = {id = aid, slot = a.slot, city = a.city, status = a.status, delivery = a.delivery,
    start = a.start, ['end'] = a['end'], hospital = a.hospital, department = a.department, doctor = a.doctor,
    patient = a.patient, family_doctor = (a.family == '1'), channel = a.channel, caller_city = a.caller_city,
    created = isoChina(num(a.created_ms))}
  if a.platform_ref and a.platform_ref ~= '' then body.platform_ref = a.platform_ref end
  if a.reason and a.reason ~= '' then body.reason = a.reason end
  if a.referral and a.referral ~= '' then
    local r = cjson.decode(a.referral)
    if type(r) == 'table' then
      r.status = a.referral_status or 'requested'
      r.to = {city = a.city, hospital = a.hospital, department = a.department, doctor = a.doctor}
      if a.referral_events then r.events = cjson.decode(a.referral_events) end
      if a.referral_back then r.back = cjson.decode(a.referral_back) end
    end
    body.referral = r
  end
  return body
end
-- The referral events list with one more {event, at, note?}, as JSON.
local function referralEvent(a, event, note)
  local events = cjson.decode(a.referral_events or '[]')
  local e = {event = event, at = isoChina(NOW)}
  if note and note ~= '' then e.note = note end
  events[#events + 1] = e
  return cjson.encode(events)
end
local function callerOf(a) return a.caller_city .. '|' .. a.channel end
)LUA";

}  // namespace metrogw::booking::internal
