-- wrk script: POST a chat completion with a bearer key. Environment: BENCH_KEY, BENCH_MODEL, BENCH_STREAM (true|false),
-- BENCH_PROMPT_BYTES.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_KEY")
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end
-- BENCH_PROMPT_BYTES, when set, makes the user message that many bytes of "x" (a long prompt).
local prompt = "Say hello."
if os.getenv("BENCH_PROMPT_BYTES") then
  prompt = string.rep("x", tonumber(os.getenv("BENCH_PROMPT_BYTES")))
end
wrk.body = '{"model":"' .. (os.getenv("BENCH_MODEL") or "bench/model") .. '","stream":' .. (os.getenv("BENCH_STREAM") or "false")
  .. ',"messages":[{"role":"user","content":"' .. prompt .. '"}]}'

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_us=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
