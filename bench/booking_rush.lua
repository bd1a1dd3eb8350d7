-- wrk script for bench/booking_rush.sh: POST /v1/appointments (the path comes from the URL given to
-- wrk), every request a distinct booking: a random slot among the SLOTS seeded ones
-- ("3201.bench" .. 12-digit index, as redis-benchmark's __rand_int__ makes them), a fresh person
-- token (t1.<43 base64url characters, canonical>) and a fresh Idempotency-Key.
-- The script's arguments (after "--"): SLOTS, then the thread's seed.
-- No response() callback: the benchmark checks statuses (wrk's "Non-2xx") and the pool's counters.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local slots = 1
local counter = 0
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

local next_id = 0
function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  slots = tonumber(args[1]) or 1
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
end

-- 32 random bytes in unpadded base64url: 42 free characters, then one whose low two bits are zero
-- (the last 2 of its 6 bits lie past the 256th; the node refuses a non-canonical token).
local last = "AEIMQUYcgkosw048"

local function token()
  local out = {}
  for i = 1, 42 do
    local k = math.random(1, 64)
    out[i] = alphabet:sub(k, k)
  end
  local k = math.random(1, 16)
  out[43] = last:sub(k, k)
  return "t1." .. table.concat(out)
end

function request()
  counter = counter + 1
  local slot = string.format("3201.bench%012d", math.random(0, slots - 1))
  local body = '{"slot":"' .. slot .. '","patient":"' .. token() .. '"}'
  local key = string.format("wrk-%d-%d-%d", thread_id or 0, counter, math.random(0, 2147483646))
  return wrk.format(nil, nil, {["Idempotency-Key"] = key, ["Content-Type"] = "application/json"}, body)
end
