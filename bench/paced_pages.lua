-- wrk script for bench/pack_flood.py: each connection waits PACE_MS milliseconds before each request,
-- so the page is asked for at a reader's pace (connections × 1000 / PACE_MS requests a second at most)
-- instead of as fast as the server answers. wrk times a request from when it is sent: the wait is not
-- in the latency it reports.

local pace = tonumber(os.getenv("PACE_MS"))

function delay()
  return pace
end
