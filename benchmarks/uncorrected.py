#!/usr/bin/env python3
"""wrk's latency distribution as wrk prints it and as the requests took it.

    python3 benchmarks/uncorrected.py CONNECTIONS OUT.txt...   (outputs of wrk -s benchmarks/histogram.lua)

wrk (4.x) corrects its histogram for coordinated omission before it prints it (stats_correct):
with interval = duration / (requests / connections), every recorded latency n >= 2 * interval adds
one made-up sample at each of n - interval, n - 2 * interval, ... while that is above interval.
The correction reads only the recorded counts, so it can be undone exactly, from the largest
latency down. Prints, per file: req/s, the interval, then count, mean, p50, p90, p99 and p99.9 of
wrk's histogram and of the recorded one (whose mean is close to Little's law's connections /
throughput, less the time a connection spends between a response and its next request).
"""
import re
import sys

import latency


def read(path):
    text = open(path, encoding="utf-8").read()
    counted = latency.totals(text)
    counts = {int(v): int(c) for v, c in re.findall(r"^H (\d+) (\d+)$", text, re.M)}
    if counted is None or not counts:
        raise SystemExit(f"{path}: no REQUESTS, DURATION_US or H lines (was wrk run with -s benchmarks/histogram.lua?)")
    return counted[0], counted[1], counts


def uncorrect(requests, duration_us, counts, connections):
    """The histogram as recorded, and the interval wrk corrected with (µs)."""
    if requests // connections == 0:
        return dict(counts), 0  # wrk corrects nothing then
    interval = duration_us // (requests // connections)
    recorded, added = {}, {}
    for n in sorted(counts, reverse=True):
        own = counts[n] - added.get(n, 0)
        if own < 0:
            raise ValueError(f"latency {n} µs: fewer samples than the correction added; wrong connection count?")
        recorded[n] = own
        if own and n >= 2 * interval:
            m = n - interval
            while m > interval:
                added[m] = added.get(m, 0) + own
                m -= interval
    return {n: c for n, c in recorded.items() if c}, interval


def percentile(counts, percent):
    # As wrk's stats_percentile: the first latency whose cumulative count reaches the rank.
    total = sum(counts.values())
    rank = round(percent / 100 * total + 0.5)
    seen = 0
    for n in sorted(counts):
        seen += counts[n]
        if seen >= rank:
            return n
    return max(counts)


def describe(counts):
    total = sum(counts.values())
    mean = sum(n * c for n, c in counts.items()) / total
    quantiles = " ".join(f"p{p:g}={percentile(counts, p)}" for p in (50, 90, 99, 99.9))
    return f"n={total} mean={mean:.0f} {quantiles} max={max(counts)}"


def main(argv):
    if len(argv) < 3 or not argv[1].isdigit():
        raise SystemExit(__doc__)
    connections = int(argv[1])
    for path in argv[2:]:
        requests, duration_us, counts = read(path)
        try:
            recorded, interval = uncorrect(requests, duration_us, counts, connections)
        except ValueError as e:
            raise SystemExit(f"{path}: {e}")
        if sum(recorded.values()) != requests:
            # Every answered request is one recorded latency; a wrong CONNECTIONS undoes the wrong correction.
            print(f"{path}: {sum(recorded.values())} latencies recorded for {requests} requests "
                  f"(was wrk run with -c{connections}?)", file=sys.stderr)
        print(f"{path}: {requests / duration_us * 1e6:,.0f} req/s, interval {interval} µs (µs below)")
        print(f"  as wrk prints it: {describe(counts)}")
        print(f"  as recorded:      {describe(recorded)}")


if __name__ == "__main__":
    main(sys.argv)
