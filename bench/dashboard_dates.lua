-- wrk script: the dashboard at a random date of 2006 on every request, so
-- most answers are computed (from the aggregates) rather than taken from the
-- per-date cache. Usage:
--   TOKEN=... wrk -t2 -c32 -d10s --latency -s bench/dashboard_dates.lua http://HOST:PORT
local token = os.getenv("TOKEN")
math.randomseed(os.time())
request = function()
  local day = math.random(0, 364)
  local t = os.time({year = 2006, month = 1, day = 1, hour = 12}) + day * 86400
  local path = "/api/v1/campaigns/1/dashboard?as_of=" .. os.date("%Y-%m-%d", t)
  return wrk.format("GET", path, {["authorization"] = "Bearer " .. token})
end
