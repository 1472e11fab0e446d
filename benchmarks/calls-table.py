#!/usr/bin/env python3
"""Prints JMH results (-rf json) of the call benchmarks as a table against their baselines.

Benchmarks are named GROUP_VARIANT; GROUP_direct is the baseline of its group. Each other
benchmark is shown with the ratio and the difference to its baseline, and, where it has one,
its target (docs/PERFORMANCE.md, Targets) and whether this run met it. A benchmark named
NAME_split (the same call into a worker split between two versions) has NAME, the same call into
a single version, as its baseline: its difference is the cost of choosing the version.

Usage: calls-table.py RESULT.json
"""
import json
import math
import sys

# The call targets of docs/PERFORMANCE.md (Targets): (kind, limit, text). "over": at most limit ns over the baseline;
# "abs": at most limit ns per call.
TARGETS = {
    "add_rpc": ("over", 20.0, "<= +20 ns"),
    "fetch_binding": ("over", 100.0, "<= +100 ns"),
    "record_rpc": ("abs", 250.0, "<= 250 ns"),
}
# Binding hops per call, to show the cost of one hop.
HOPS = {"add_rpc": 1, "add_dynamic": 1, "fetch_binding": 1, "record_rpc": 1, "chain8_rpc": 8}
SPLIT = "_split"


def baseline_of(short):
    """NAME_split against NAME (one version against two); any other benchmark against GROUP_direct."""
    if short.endswith(SPLIT):
        return short[: -len(SPLIT)]
    return short.split("_", 1)[0] + "_direct"


def fmt(value, digits=1):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def combined(a, b):
    """The error of a difference of two independent scores."""
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return None
    return math.sqrt(a * a + b * b)


def main(path):
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    rows = {}
    for r in results:
        name = r["benchmark"].rsplit(".", 2)
        short = name[-1] if name[-2] in ("CallBenchmarks",) else name[-2] + "." + name[-1]
        metric = r["primaryMetric"]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        iterations = [x for fork in metric.get("rawData", []) for x in fork]
        rows[short] = (metric["score"], metric.get("scoreError"), metric["scoreUnit"], alloc,
                       min(iterations) if iterations else None)

    # "min": the fastest measured iteration, and its difference to the baseline's fastest. On a
    # shared machine, where other processes slow some iterations down, it is the steadier figure.
    header = ["benchmark", "ns/op", "± (99.9%)", "baseline", "ratio", "diff ns", "diff/hop", "min", "min diff", "target"]
    show_alloc = any(v[3] is not None for v in rows.values())
    if show_alloc:
        header.insert(3, "B/op")
    table = [header]
    for short, (score, error, unit, alloc, best) in rows.items():
        base_name = baseline_of(short)
        base = rows.get(base_name)
        ratio = diff = per_hop = best_diff = None
        target = ""
        if base is not None and short != base_name:
            ratio = score / base[0] if base[0] else None
            diff = score - base[0]
            hops = HOPS.get(short)
            per_hop = diff / hops if hops else None
            best_diff = best - base[4] if best is not None and base[4] is not None else None
        if short in TARGETS:
            kind, limit, text = TARGETS[short]
            value, err = (score, error) if kind == "abs" else (diff, combined(error, base[1] if base else None))
            if value is not None:
                # Decide only when the 99.9% error interval is on one side of the limit.
                if err is not None and not math.isnan(err) and value - err <= limit < value + err:
                    verdict = "unclear (noise)"
                else:
                    verdict = "met" if value <= limit else "MISSED"
                target = f"{text}: {verdict}"
        row = [short, fmt(score), fmt(error), base_name if ratio is not None else "",
               (fmt(ratio, 2) + "x") if ratio is not None else "", fmt(diff) if diff is not None else "",
               fmt(per_hop) if per_hop is not None and HOPS.get(short, 1) > 1 else "", fmt(best),
               fmt(best_diff) if best_diff is not None else "", target]
        if show_alloc:
            row.insert(3, fmt(alloc, 0) if alloc is not None else "-")
        if unit != "ns/op":
            row[1] += " " + unit
        table.append(row)

    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    numeric = {1, 2, 4, 5, 6, 7, 8} if not show_alloc else {1, 2, 3, 5, 6, 7, 8, 9}
    for n, row in enumerate(table):
        cells = [c.rjust(widths[i]) if i in numeric and n else c.ljust(widths[i]) for i, c in enumerate(row)]
        print("  ".join(cells).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
