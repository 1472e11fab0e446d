#!/usr/bin/env python3
"""Markdown tables for run-http.sh: one per round, then per round the ratios that the HTTP targets
of docs/PERFORMANCE.md (Targets) set: c/a >= 0.85, c/b >= 0.95, c/d >= 3, p99 d/c >= 3.

Usage: http-table.py RESULTS.tsv CONNECTIONS THREADS DURATION SLICES [LOADS.tsv]
RESULTS.tsv rows, one per wrk run (a slice of a variant's measured time): round (or "single"),
variant (a|b|c|q|d|r), the run's output file (wrk --latency -s quantiles.lua) and, optionally, the
CPU clock ticks its server processes used during the run. A variant's slices in one round make one
entry: req/s = their requests over their seconds, p50 and p99 those of their latencies merged into
one distribution (latency.py), server CPU per request = their ticks over their requests.

The servers' CPU per request is what a variant costs whoever runs it, whatever share of the cores
wrk takes: with wrk on the same cores, req/s ratios also move with how the kernel shares them
between wrk and each server, so the tables give both (docs/PERFORMANCE.md, "A twelfth run").
"""
import os
import re
import sys

import latency
from collections import defaultdict

LABELS = {
    "a": "(a) bare Helidon handler, inline",
    "b": "(b) one worker, inline",
    "c": "(c) gateway → auth → application, bindings, one host",
    "d": "(d) three processes, loopback HTTP, JDK HttpClient",
    "r": "(d') three processes, loopback HTTP, raw keep-alive sockets",
    "q": "(c0) as (c), without the access log",
}


def ms(us):
    return f"{us:.0f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def cpu(us):
    return "-" if us != us else f"{us:.2f} µs"


def main():
    path, connections, threads, duration, turns = sys.argv[1:6]
    # The load average (1, 5, 15 min) when each round's measuring began.
    loads = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[6])) if len(sys.argv) > 6 else {}
    ticks_per_s = os.sysconf("SC_CLK_TCK")
    slices = defaultdict(list)
    for line in open(path):
        r, v, output, *ticks = line.rstrip("\n").split("\t")
        run = latency.read(output)
        run["ticks"] = int(ticks[0]) if ticks else None
        slices[(r, v)].append(run)
    rounds = defaultdict(dict)
    single = {}
    for (r, v), runs in slices.items():
        non2xx = sum(int(m) for x in runs for m in re.findall(r"Non-2xx or 3xx responses: *(\d+)", x["text"]))
        errors = [m.strip() for x in runs for m in re.findall(r"Socket errors: *(.*)", x["text"])]
        requests = sum(x["requests"] for x in runs)
        known = all(x["ticks"] is not None for x in runs) and requests > 0
        entry = dict(rps=requests / sum(x["seconds"] for x in runs),
                     cpu=sum(x["ticks"] for x in runs) * 1e6 / ticks_per_s / requests if known else float("nan"),
                     p50=latency.percentile(runs, 50), p99=latency.percentile(runs, 99),
                     non2xx=non2xx, errors="; ".join(errors) or "none")
        if r == "single":
            single[v] = entry
        else:
            rounds[int(r)][v] = entry
    print(f"### HTTP, four ways (wrk -t{threads} -c{connections} --latency, GET /notes; {duration} per variant "
          f"in {turns} turns, the variants in rotation)\n")
    ratios = []
    for r in sorted(rounds):
        row = rounds[r]
        print(f"Round {r}" + (f" (load average {loads[str(r)]} when it began measuring)" if str(r) in loads else "") + ":\n")
        print("| variant | req/s | p50 | p99 | server CPU / request | non-2xx | socket errors |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for v in "abcqdr":
            if v in row:
                x = row[v]
                print(f"| {LABELS[v]} | {x['rps']:,.0f} | {ms(x['p50'])} | {ms(x['p99'])} | {cpu(x['cpu'])} "
                      f"| {x['non2xx']} | {x['errors']} |")
        print()
        if "c" in row:
            c = row["c"]
            nan = float("nan")
            def rel(v, key="rps", inverse=False):
                if v not in row:
                    return nan
                return row[v][key] / c[key] if inverse else c[key] / row[v][key]
            others = [row[v] for v in "dr" if v in row]
            best = max(others, key=lambda x: x["rps"]) if others else None
            ratios.append((r, rel("a"), rel("b"), rel("d"), rel("d", "p99", inverse=True),
                           c["rps"] / best["rps"] if best else nan, best["p99"] / c["p99"] if best else nan,
                           row["q"]["rps"] / row["a"]["rps"] if "q" in row and "a" in row else nan,
                           # Less CPU per request is better: a's over c's, as c/a is c's req/s over a's.
                           # (NaN > 0 is false: no CPU column, or a run too short for a tick, gives "-".)
                           row["a"]["cpu"] / c["cpu"] if "a" in row and c["cpu"] > 0 else nan,
                           row["b"]["cpu"] / c["cpu"] if "b" in row and c["cpu"] > 0 else nan))
    if ratios:
        def cell(value, target=None, digits=2):
            if value != value:  # NaN: a variant not run
                return "-"
            verdict = "" if target is None else (" met" if value >= target else " MISSED")
            return f"{value:.{digits}f}{verdict}"
        print("Ratios, each within one round (throughput unless said otherwise):\n")
        print("| round | c/a (target ≥ 0.85) | c/b (target ≥ 0.95) | c/d (target ≥ 3) | p99 d/c (target ≥ 3) "
              "| c / faster of d, d' | p99 of that / c | c0/a (no access log) | c/a by server CPU | c/b by server CPU |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r, ca, cb, cd, p99, cbest, p99best, quiet, cpu_ca, cpu_cb in ratios:
            print(f"| {r} | {cell(ca, 0.85)} | {cell(cb, 0.95)} | {cell(cd, 3, 1)} | {cell(p99, 3, 1)} "
                  f"| {cell(cbest, 3, 1)} | {cell(p99best, 3, 1)} | {cell(quiet)} | {cell(cpu_ca)} | {cell(cpu_cb)} |")
        print()
        print("By server CPU: the other variant's CPU per request over (c)'s (CPU time a request costs its"
              " servers, whatever share of the cores wrk takes).\n")
    if single:
        print("One connection, one request at a time (wrk -t1 -c1, last round): the latency of the work itself\n")
        print("| variant | req/s | p50 | p99 | server CPU / request | p50 / (c) p50 | p99 / (c) p99 |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        c = single.get("c")
        for v in "abcqdr":
            if v in single:
                x = single[v]
                rel50 = f"{x['p50'] / c['p50']:.2f}" if c else "-"
                rel99 = f"{x['p99'] / c['p99']:.2f}" if c else "-"
                print(f"| {LABELS[v]} | {x['rps']:,.0f} | {ms(x['p50'])} | {ms(x['p99'])} | {cpu(x['cpu'])} "
                      f"| {rel50} | {rel99} |")
        print()


if __name__ == "__main__":
    main()
