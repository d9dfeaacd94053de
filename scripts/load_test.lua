-- wrk script for scripts/load_test.sh: rotate over the API paths in LOAD_TEST_PATHS (space
-- separated) and print one machine-readable summary line at the end.
local paths = {}
for path in string.gmatch(os.getenv("LOAD_TEST_PATHS") or "/api/health/", "%S+") do
  paths[#paths + 1] = path
end
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], { ["Accept"] = "application/json" })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "LOAD_TEST requests=%d duration_s=%.1f rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f "
      .. "errors_status=%d errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
