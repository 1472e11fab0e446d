"""The latency distribution of several wrk runs (slices) merged into one, for http-table.py and
peers-table.py. Each run's output holds its request count, duration and quantiles (quantiles.lua); the
merged distribution weighs each run by its requests: the fraction of all requests at or below x
is the sum over runs of (requests × the run's fraction at or below x) over all requests.
"""
import re

_REQUESTS = re.compile(r"^REQUESTS (\d+)$", re.M)
_DURATION = re.compile(r"^DURATION_US (\d+)$", re.M)
_QUANTILE = re.compile(r"^Q ([\d.]+) (\d+)$", re.M)


def totals(text):
    """A wrk output's request count and duration in µs (quantiles.lua, histogram.lua), or None."""
    requests, duration = _REQUESTS.search(text), _DURATION.search(text)
    if requests is None or duration is None:
        return None
    return int(requests.group(1)), int(duration.group(1))


def read(path):
    """One wrk output: {requests, seconds, quantiles: [(percent, µs), ...] ascending}."""
    text = open(path, encoding="utf-8", errors="replace").read()
    counted = totals(text)
    quantiles = [(float(p), int(v)) for p, v in _QUANTILE.findall(text)]
    if counted is None or not quantiles:
        raise ValueError(f"{path}: no REQUESTS, DURATION_US or quantiles (was it run with -s quantiles.lua?)")
    return dict(requests=counted[0], seconds=counted[1] / 1e6, quantiles=quantiles, text=text)


def _fraction_at_or_below(quantiles, x):
    below = 0.0
    for percent, value in quantiles:
        if value <= x:
            below = percent
        else:
            break
    return below / 100


def percentile(runs, percent):
    """The merged distribution's value (µs) at `percent` of all requests of `runs`."""
    total = sum(r["requests"] for r in runs)
    candidates = sorted({v for r in runs for _, v in r["quantiles"]})
    lo, hi = 0, len(candidates) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        share = sum(r["requests"] * _fraction_at_or_below(r["quantiles"], candidates[mid]) for r in runs) / total
        if share >= percent / 100 - 1e-9:
            hi = mid
        else:
            lo = mid + 1
    return candidates[lo]
