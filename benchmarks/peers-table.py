#!/usr/bin/env python3
"""The table of run-peers.sh: per round and system, then per round the ratios of issue 16's goals
(jworkers against workerd, and jworkers' own tail).

Usage: peers-table.py RESULTS.tsv SLICES.tsv TICKS_PER_S CONNECTIONS THREADS DURATION TURNS RPC_CALLS RPC_CALLS_WORKERD [WARMUP.tsv [PACED.tsv]]
RESULTS.tsv rows: round, system, one-connection p50 us, RSS ready KiB, RSS after KiB, start-up ms,
RPC ns/call (or -), non-2xx, load average at its start.
SLICES.tsv rows, one per measured slice: round, system, wrk's output file (wrk --latency -s
quantiles.lua), server CPU ticks. A system's slices in one round make its req/s (their requests over
their seconds), its p50, p99 and p99.9 (of their latencies merged into one distribution, latency.py)
and its CPU per request.
WARMUP.tsv rows, one per warm-up step: round, system, the second under load its step ended, req/s.
They make the warm-up table: how soon each system reaches 90 % of the req/s measured after it.
PACED.tsv rows, one per paced run: round, system, connections, wrk's output (-s histogram.lua). They
make the paced table: req/s against workerd's of the round, and the latencies as recorded (without
wrk's coordinated-omission correction, uncorrected.py).
"""
import sys

import latency
import uncorrected
from collections import defaultdict

LABELS = {"workerd": "workerd", "dev": "jworkers dev", "serve": "jworkers serve"}


def ms(us):
    return f"{us:.0f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def main():
    path, slices_path, hz, connections, threads, duration, turns, calls, calls_workerd = sys.argv[1:10]
    slices = defaultdict(list)
    for line in open(slices_path):
        f = line.rstrip("\n").split("\t")
        run = latency.read(f[2])
        run["ticks"] = int(f[3])
        slices[(int(f[0]), f[1])].append(run)
    rounds = defaultdict(dict)
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        runs = slices[(int(f[0]), f[1])]
        requests = sum(x["requests"] for x in runs)
        rounds[int(f[0])][f[1]] = dict(rps=requests / sum(x["seconds"] for x in runs),
                                       p50=latency.percentile(runs, 50), p99=latency.percentile(runs, 99),
                                       p999=latency.percentile(runs, 99.9),
                                       cpu=sum(x["ticks"] for x in runs) * 1e6 / int(hz) / requests,
                                       single=float(f[2]), rss_ready=int(f[3]) / 1024, rss_after=int(f[4]) / 1024,
                                       start=int(f[5]), rpc=None if f[6] == "-" else float(f[6]), non2xx=int(f[7]),
                                       load=f[8])
    print(f"### jworkers against workerd (GET /notes through gateway → auth → application; "
          f"wrk -t{threads} -c{connections} --latency, {duration} per system in {turns} turns, the systems in rotation; "
          f"RPC: n={calls}, workerd n={calls_workerd})\n")
    print("| round | system | req/s | p50 | p99 | p99.9 | 1-conn p50 | CPU/req | RSS ready | RSS after | start → 200 | RPC ns/call | non-2xx | load |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(rounds):
        for s in ("workerd", "dev", "serve"):
            e = rounds[r].get(s)
            if e is None:
                continue
            rpc = "–" if e["rpc"] is None else f"{e['rpc']:,.1f}"
            print(f"| {r} | {LABELS[s]} | {e['rps']:,.0f} | {ms(e['p50'])} | {ms(e['p99'])} | {ms(e['p999'])} | "
                  f"{ms(e['single'])} | {e['cpu']:.1f} µs | {e['rss_ready']:.0f} MiB | {e['rss_after']:.0f} MiB | "
                  f"{e['start']} ms | {rpc} | {e['non2xx']} | {e['load']} |")
    print()
    print("Ratios per round (goals of issue 16: throughput ≥ 8× workerd; start-up ≤ 1×; RSS ready ≤ 1.5×; p99 ≤ 5× own p50):\n")
    print("| round | system | req/s ÷ workerd | p99 ÷ workerd p99 | start ÷ workerd | RSS ready ÷ workerd | own p99 ÷ own p50 | RPC: workerd ÷ jworkers |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in sorted(rounds):
        w = rounds[r].get("workerd")
        for s in ("dev", "serve"):
            e = rounds[r].get(s)
            if e is None:
                continue
            def ratio(key, fmt="{:.2f}"):
                return fmt.format(e[key] / w[key]) if w and w[key] else "–"
            rpc = f"{w['rpc'] / e['rpc']:,.0f}×" if w and w["rpc"] and e["rpc"] else "–"
            print(f"| {r} | {LABELS[s]} | {ratio('rps')} | {ratio('p99')} | {ratio('start')} | {ratio('rss_ready')} | "
                  f"{e['p99'] / e['p50']:.1f} | {rpc} |")
    if len(sys.argv) > 10:
        warmup_table(sys.argv[10], rounds)
    if len(sys.argv) > 11:
        paced_table(sys.argv[11], rounds)


def paced_table(path, rounds):
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    if not rows:
        return
    print()
    print("Paced: each jworkers system at about ten times workerd's req/s of the round (issue 16's tail goal "
          "is at that throughput), every connection pausing 1 ms before each request; latencies as recorded, "
          "without wrk's coordinated-omission correction:\n")
    print("| round | system | connections | req/s | ÷ workerd | p50 | p99 | p99.9 | p99 ÷ p50 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r, s, connections, out in rows:
        requests, duration_us, counts = uncorrected.read(out)
        recorded, _ = uncorrected.uncorrect(requests, duration_us, counts, int(connections))
        rps = requests / duration_us * 1e6
        w = rounds.get(int(r), {}).get("workerd")
        p50, p99 = uncorrected.percentile(recorded, 50), uncorrected.percentile(recorded, 99)
        print(f"| {r} | {LABELS[s]} | {connections} | {rps:,.0f} | " + (f"{rps / w['rps']:.1f}" if w else "–")
              + f" | {ms(p50)} | {ms(p99)} | {ms(uncorrected.percentile(recorded, 99.9))} | {p99 / p50:.1f} |")


def warmup_table(path, rounds):
    steps = defaultdict(list)
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        steps[(int(f[0]), f[1])].append((int(f[2]), float(f[3]) if f[3] else 0.0))
    seconds = sorted({second for rows in steps.values() for second, _ in rows})
    if not seconds:
        return
    print()
    print("Warm-up: thousands of req/s in each step under load, counted from the first request after the "
          "first 200 (the same wrk load, each system alone), and when a step first reached 90 % of the "
          "req/s measured after the warm-up:\n")
    print("| round | system | " + " | ".join(f"{x} s" for x in seconds) + " | measured | 90 % by |")
    print("|---|---|" + "---:|" * (len(seconds) + 2))
    for r in sorted(rounds):
        for s in ("workerd", "dev", "serve"):
            rows = dict(steps.get((r, s), []))
            e = rounds[r].get(s)
            if not rows or e is None:
                continue
            reached = next((x for x in seconds if rows.get(x, 0) >= 0.9 * e["rps"]), None)
            print(f"| {r} | {LABELS[s]} | " + " | ".join(f"{rows[x] / 1000:.1f}" if x in rows else "–" for x in seconds)
                  + f" | {e['rps'] / 1000:.1f} | " + (f"{reached} s" if reached else "not within the warm-up") + " |")


if __name__ == "__main__":
    main()
