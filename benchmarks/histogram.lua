-- wrk script: after a run, its request count, duration and whole latency histogram (every distinct
-- latency in µs with its count), so that uncorrected.py can undo wrk's coordinated-omission
-- correction. wrk adds, for every latency of at least twice a connection's mean interval between
-- requests, made-up samples at that latency minus one, two, ... intervals, as if the client had kept
-- sending at a constant rate; at saturation with a fast server (an interval of ~0.35 ms at 140k
-- req/s over 50 connections) a third of its samples are made up, and they move its p50 and p99
-- (docs/PERFORMANCE.md §9, "An eleventh run").
--
--   wrk -t2 -c50 -d5s -s benchmarks/histogram.lua URL > out.txt
--   PAUSE_MS=1 wrk ... -s benchmarks/histogram.lua URL     # each connection pauses 1 ms before each request
--                                                           # (wrk's delay(): whole milliseconds)
local pause = tonumber(os.getenv("PAUSE_MS") or "0")
if pause > 0 then
  delay = function() return pause end
end

done = function(summary, latency, requests)
  io.write(string.format("REQUESTS %d\nDURATION_US %d\n", summary.requests, summary.duration))
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("H %d %d\n", value, count))
  end
end
