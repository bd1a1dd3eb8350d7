-- wrk script for bench/identity_resolve.sh: POST /v1/patients/$resolve (the path comes from the URL
-- given to wrk) with the JSON bodies in the file named by RESOLVE_BODY_FILE, one per line.
--
-- One line: every request is the same, a static request (no request() function), as cheap for wrk
-- as a plain GET. Several lines: wrk's threads take disjoint shares of them (the script's argument,
-- after "--", is wrk's thread count) and each thread cycles through its share with requests
-- formatted once in init(), so two requests in flight rarely ask for the same person.
-- No response() callback: the benchmark checks statuses (wrk's "Non-2xx") and the node's counters.
local path = os.getenv("RESOLVE_BODY_FILE")
if not path then
  error("RESOLVE_BODY_FILE is not set")
end
local bodies = {}
for line in assert(io.open(path, "rb")):lines() do
  if line ~= "" then
    bodies[#bodies + 1] = line
  end
end
assert(#bodies > 0, "no request body in " .. path)

wrk.method = "POST"
wrk.body = bodies[1]
wrk.headers["Content-Type"] = "application/json"

if #bodies > 1 then
  local next_id = 0
  function setup(thread)
    thread:set("thread_id", next_id)
    next_id = next_id + 1
  end

  local requests, position = {}, 0
  function init(args)
    local threads = tonumber(args[1]) or 1
    for i = 1, #bodies do
      if (i - 1) % threads == thread_id then
        requests[#requests + 1] = wrk.format(nil, nil, nil, bodies[i])
      end
    end
    assert(#requests > 0, "fewer request bodies than wrk threads")
  end

  function request()
    position = position % #requests + 1
    return requests[position]
  end
end
