#!/usr/bin/env python3
"""Markdown tables for run-http.sh: one per round, then the DESIGN.md section 6 ratios per round.

Usage: http-table.py RESULTS.tsv CONNECTIONS THREADS DURATION
RESULTS.tsv rows: round, variant (a|b|c|d), req/s, p50 us, p99 us, non-2xx, socket errors.
"""
import sys
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


def main():
    path, connections, threads, duration = sys.argv[1:5]
    rounds = defaultdict(dict)
    single = {}
    for line in open(path):
        r, v, rps, p50, p99, non2xx, errors = line.rstrip("\n").split("\t")
        entry = dict(rps=float(rps), p50=float(p50), p99=float(p99), non2xx=int(non2xx), errors=errors)
        if r == "single":
            single[v] = entry
        else:
            rounds[int(r)][v] = entry
    print(f"### HTTP, four ways (wrk -t{threads} -c{connections} -d{duration} --latency, GET /notes)\n")
    ratios = []
    for r in sorted(rounds):
        row = rounds[r]
        print(f"Round {r}:\n")
        print("| variant | req/s | p50 | p99 | non-2xx | socket errors |")
        print("|---|---:|---:|---:|---:|---|")
        for v in "abcqdr":
            if v in row:
                x = row[v]
                print(f"| {LABELS[v]} | {x['rps']:,.0f} | {ms(x['p50'])} | {ms(x['p99'])} | {x['non2xx']} | {x['errors']} |")
        print()
        if all(v in row for v in "abcd"):
            a, b, c, d = (row[v] for v in "abcd")
            best = max((row[v] for v in "dr" if v in row), key=lambda x: x["rps"])
            quiet = row["q"]["rps"] / a["rps"] if "q" in row else float("nan")
            ratios.append((r, c["rps"] / a["rps"], c["rps"] / b["rps"], c["rps"] / d["rps"], d["p99"] / c["p99"],
                           c["rps"] / best["rps"], best["p99"] / c["p99"], quiet))
    if ratios:
        def verdict(value, target):
            return "met" if value >= target else "MISSED"
        print("Ratios, each within one round (throughput unless said otherwise):\n")
        print("| round | c/a (target ≥ 0.85) | c/b (target ≥ 0.95) | c/d (target ≥ 3) | p99 d/c (target ≥ 3) "
              "| c / faster of d, d' | p99 of that / c | c0/a (no access log) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r, ca, cb, cd, p99, cbest, p99best, quiet in ratios:
            print(f"| {r} | {ca:.2f} {verdict(ca, 0.85)} | {cb:.2f} {verdict(cb, 0.95)} | {cd:.1f} {verdict(cd, 3)} "
                  f"| {p99:.1f} {verdict(p99, 3)} | {cbest:.1f} {verdict(cbest, 3)} | {p99best:.1f} {verdict(p99best, 3)} "
                  f"| {quiet:.2f} |")
        print()
    if single:
        print("One connection, one request at a time (wrk -t1 -c1, last round): the latency of the work itself\n")
        print("| variant | req/s | p50 | p99 | p50 / (c) p50 | p99 / (c) p99 |")
        print("|---|---:|---:|---:|---:|---:|")
        c = single.get("c")
        for v in "abcqdr":
            if v in single:
                x = single[v]
                rel50 = f"{x['p50'] / c['p50']:.2f}" if c else "-"
                rel99 = f"{x['p99'] / c['p99']:.2f}" if c else "-"
                print(f"| {LABELS[v]} | {x['rps']:,.0f} | {ms(x['p50'])} | {ms(x['p99'])} | {rel50} | {rel99} |")
        print()


if __name__ == "__main__":
    main()
