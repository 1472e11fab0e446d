-- wrk script of run-http.sh and run-peers.sh: after a run, its request count and its latency
-- distribution as quantiles (every 0.1 % up to 99 %, then every 0.01 %, in µs), so that the
-- slices of one variant can be merged into one distribution (latency.py) instead of taking the
-- median or the worst of their percentiles.
done = function(summary, latency, requests)
  io.write(string.format("REQUESTS %d\n", summary.requests))
  io.write(string.format("DURATION_US %d\n", summary.duration))
  for i = 1, 990 do
    io.write(string.format("Q %.2f %d\n", i / 10, latency:percentile(i / 10)))
  end
  for i = 9901, 9999 do
    io.write(string.format("Q %.2f %d\n", i / 100, latency:percentile(i / 100)))
  end
  io.write(string.format("Q 100.00 %d\n", latency.max))
end
