#!/usr/bin/env python3
"""Markdown tables for run-versions.sh: throughput of a single-version host against a host whose
two workers are split 90/10 between two versions, per round and as the ratio split/single, then
the split changed under load (wrk's errors must be 0).

Usage: versions-table.py OUT_DIR CONNECTIONS THREADS DURATION
OUT_DIR holds results.tsv (round, single|split, req/s, p50 us, p99 us, non-2xx, socket errors),
keys.tsv (keys, reaching version 2, mixed) and change.tsv (step rows: command, ms; then one
wrk row as in results.tsv, round "change"; a window row: how long wrk ran, ms).
"""
import os
import statistics
import sys
from collections import defaultdict


def ms(us):
    return f"{us:.0f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def parse_wrk(fields):
    r, v, rps, p50, p99, non2xx, errors = fields
    return r, v, dict(rps=float(rps or "nan"), p50=float(p50 or "nan"), p99=float(p99 or "nan"),
                      non2xx=int(non2xx), errors=errors)


def main():
    out, connections, threads, duration = sys.argv[1:5]
    rounds = defaultdict(dict)
    for line in open(os.path.join(out, "results.tsv")):
        r, v, entry = parse_wrk(line.rstrip("\n").split("\t"))
        rounds[int(r)][v] = entry

    keys_path = os.path.join(out, "keys.tsv")
    if os.path.exists(keys_path):
        _, keys, newer, mixed = open(keys_path).read().split()
        print(f"Split host, `versions deploy NAME 2@10 1@90` for both workers: {newer} of {keys} version keys "
              f"(`x-jworkers-version-key: user-1` ...) reach version 2 of both, {mixed} a mix.\n")

    print(f"### Throughput (wrk -t{threads} -c{connections} -d{duration} --latency, GET / : vfront → BACK → vback)\n")
    print("| round | host | req/s | p50 | p99 | non-2xx | socket errors |")
    print("|---|---|---:|---:|---:|---:|---|")
    ratios = []
    for r in sorted(rounds):
        for v in ("single", "split"):
            if v in rounds[r]:
                x = rounds[r][v]
                print(f"| {r} | {v} | {x['rps']:,.0f} | {ms(x['p50'])} | {ms(x['p99'])} | {x['non2xx']} | {x['errors']} |")
        if "single" in rounds[r] and "split" in rounds[r]:
            s, p = rounds[r]["single"], rounds[r]["split"]
            ratios.append((r, p["rps"] / s["rps"], p["p99"] / s["p99"]))
    print()
    if ratios:
        print("| round | req/s split / single | p99 split / single |")
        print("|---|---:|---:|")
        for r, rps, p99 in ratios:
            print(f"| {r} | {rps:.3f} | {p99:.2f} |")
        print(f"| median | **{statistics.median(x[1] for x in ratios):.3f}** "
              f"| {statistics.median(x[2] for x in ratios):.2f} |")
        print()

    change_path = os.path.join(out, "change.tsv")
    if os.path.exists(change_path):
        steps, wrk, window, access = [], None, None, None
        for line in open(change_path):
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "step":
                steps.append((fields[1], int(fields[2])))
            elif fields[0] == "window":
                window = int(fields[1]) / 1000
            elif fields[0] == "access":
                access = [int(x) for x in fields[1:]]
            else:
                wrk = parse_wrk(fields)[2]
        ran = f", {window:.1f} s, stopped after the last change" if window is not None else ""
        print(f"### The split changed under load (wrk -t{threads} -c{connections} on the split host{ran})\n")
        print("| `jworkers versions deploy` | took |")
        print("|---|---:|")
        for command, took in steps:
            print(f"| `{command}` | {took} ms |")
        print()
        if wrk is not None:
            ok = wrk["non2xx"] == 0 and wrk["errors"] == "none"
            print(f"wrk: {wrk['rps']:,.0f} req/s, p50 {ms(wrk['p50'])}, p99 {ms(wrk['p99'])}, "
                  f"**non-2xx {wrk['non2xx']}, socket errors {wrk['errors']}** ({'ok' if ok else 'FAILED: expected 0 and none'})")
            print()
        if access is not None:
            before, mixed_before, during, mixed_during, after, old_after = access
            print(f"Access lines of the split host: before the first change (2@10 1@90, the throughput rounds "
                  f"included) {before:,} requests, {mixed_before} reaching different versions of vfront and vback; "
                  f"from the first command's start to the last one's return {during:,}, {mixed_during:,} mixed (the "
                  f"workers change one command after the other); after it {after:,}, {old_after} reaching a version 1.")
            print()


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main()
