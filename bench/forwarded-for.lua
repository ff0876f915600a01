-- wrk script for bench/forwarded-for.sh: a wrong gateway key on every request, each with an X-Forwarded-For of
-- FORWARDED_PAD (4,000) bytes of garbage written by the client and then, as a trusted proxy would append it, either a fresh
-- address (ROTATE=1: every request from another client) or always the same one (ROTATE=0). Counts answers by status.
local pad = string.rep("x", tonumber(os.getenv("FORWARDED_PAD") or "4000"))
local rotate = os.getenv("ROTATE") == "1"
local counter = 0
local statuses = {}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer kw-0123456789abcdef_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB00000000"
wrk.body = '{"model":"openrouter-a/b","messages":[]}'

function setup(thread)
  thread:set("id", math.random(1, 250))
end

request = function()
  counter = counter + 1
  local client = "198.51.100.7"
  if rotate then
    client = string.format("10.%d.%d.%d", id, math.floor(counter / 256) % 256, counter % 256)
  end
  wrk.headers["X-Forwarded-For"] = pad .. ", " .. client
  return wrk.format()
end

response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d rps=%.0f p99_ms=%.1f\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000))
end
