#!/usr/bin/env python3
"""Helpers of run-cluster.sh: timed deploys, the convergence loop, jstat peaks and the final tables.

Usage:
  cluster-bench.py timed OUT.tsv FIELD... -- COMMAND...
      Runs COMMAND (a `jworkers deploy`), passes its output on to stderr and appends a row:
      FIELD..., seconds from start to exit, seconds from start to its "Deploying" line (the
      client's JVM start and packing: what is left is upload and the host's work), exit code.
      Exits with COMMAND's exit code.
  cluster-bench.py converge OUT.tsv WORKDIR CLASSES LAUNCHER TOKEN_FILE DEPLOYS WARMUP POLL_MS ADMIN_URL...
      WARMUP + DEPLOYS deploys of the worker "application" (CLASSES, var ROUND changed each time, so
      each is a new bundle), through the hosts in turn. After each, polls GET /v1/hosts of the host
      that took it every POLL_MS until every listed ADMIN_URL's host reports appliedRevision ==
      revision (the store's newest) and revision moved past the one before the deploy.
  cluster-bench.py jstat FILE
      Peaks of `jstat -gc PID INTERVAL` output: heap used (S0U+S1U+EU+OU), old generation used,
      heap committed, in MiB, the number of samples, and the heap used at the first sample.
  cluster-bench.py gclog FILE SKIP
      From a -Xlog:gc log, the collections after its first SKIP lines: the most heap in use after
      a collection (what survived: an upper bound of what the host held), in MiB, the number of
      collections and of full collections.
  cluster-bench.py randjar JAR MIB
      Writes a jar whose one resource, bench/random.bin, holds MIB MiB of random bytes, stored
      uncompressed (nothing can compress it anyway), plus a manifest: a valid jar a worker loads.
  cluster-bench.py table DIR
      The Markdown tables of DIR/converge.tsv, deploy.tsv, heap.tsv, rps.tsv (those that exist).
"""
import http.client
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from urllib.parse import urlparse


def timed(args):
    split = args.index("--")
    out, fields, command = args[0], args[1:split], args[split + 1:]
    start = time.monotonic()
    packed = None
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if packed is None and line.startswith("Deploying "):
            packed = time.monotonic() - start
        sys.stderr.write(line)
    rc = process.wait()
    total = time.monotonic() - start
    with open(out, "a") as f:
        f.write("\t".join(fields + [f"{total:.3f}", f"{packed if packed is not None else -1:.3f}", str(rc)]) + "\n")
    sys.exit(rc)


class Hosts:
    """GET /v1/hosts of one host over one kept-alive connection."""

    def __init__(self, admin, token):
        url = urlparse(admin)
        self.host, self.port = url.hostname, url.port
        self.headers = {"Authorization": "Bearer " + token}
        self.connection = None

    def get(self):
        for attempt in (1, 2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
                self.connection.request("GET", "/v1/hosts", headers=self.headers)
                response = self.connection.getresponse()
                body = response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET /v1/hosts answered {response.status}: {body[:300]!r}")
                return json.loads(body)
            except (http.client.HTTPException, OSError):
                self.connection = None
                if attempt == 2:
                    raise

    def close(self):
        if self.connection is not None:
            self.connection.close()


def converged(view, addresses, before):
    revision = view["revision"]
    applied = {h["address"]: h["appliedRevision"] for h in view["hosts"] if h["address"] in addresses}
    return revision > before and len(applied) == len(addresses) and all(a == revision for a in applied.values())


def converge(args):
    out, workdir, classes, launcher, token_file = args[:5]
    deploys, warmup, poll_ms = int(args[5]), int(args[6]), float(args[7])
    admins = args[8:]
    token = open(token_file).read().strip()
    addresses = set(admins)
    clients = [Hosts(a, token) for a in admins]
    config = os.path.join(workdir, "worker.jsonc")
    poll_times = []
    with open(out, "a") as rows:
        for i in range(warmup + deploys):
            target = i % len(admins)
            client = clients[target]
            with open(config, "w") as f:
                json.dump({"name": "application", "classpath": [classes],
                           "vars": {"GREETING": "convergence", "ROUND": str(i)}}, f)
            before = client.get()["revision"]
            # Polled from the command's start, so that both the commit (the store's revision moves)
            # and hosts that applied before the command returned are seen when they happen.
            start = time.monotonic()
            process = subprocess.Popen([launcher, "deploy", "-c", config, "--host", admins[target], "--token-file",
                                        token_file, "--message", f"convergence {i}"],
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            returned = committed = applied = None
            polls = 0
            while applied is None or returned is None:
                if returned is None and process.poll() is not None:
                    returned = time.monotonic()
                    output = process.stdout.read()
                    sys.stderr.write(output)
                    if process.returncode != 0:
                        sys.exit(f"deploy {i} through {admins[target]} failed (exit {process.returncode})")
                if applied is None:
                    asked = time.monotonic()
                    view = client.get()
                    done = time.monotonic()
                    poll_times.append(done - asked)
                    polls += 1
                    # The answer was read between `asked` and `done`: count its middle.
                    seen = (asked + done) / 2
                    if committed is None and view["revision"] > before:
                        committed = seen
                    if converged(view, addresses, before):
                        applied = seen
                        revision = view["revision"]
                    elif done - start > 120:
                        sys.exit(f"deploy {i}: the hosts did not converge within 120 s: {json.dumps(view)}")
                time.sleep(poll_ms / 1000)
            rows.write("\t".join([str(i), "warmup" if i < warmup else "measured", str(target),
                                  f"{returned - start:.4f}", f"{applied - returned:.4f}", f"{applied - start:.4f}",
                                  f"{applied - committed:.4f}", str(polls), str(revision)]) + "\n")
            rows.flush()
            when = (f"{1000 * (applied - returned):.0f} ms after it returned" if applied >= returned
                    else f"{1000 * (returned - applied):.0f} ms before it returned")
            print(f"  deploy {i + 1}/{warmup + deploys} through host {target + 1}: command {returned - start:.2f} s,"
                  f" every host applied revision {revision} {when}, {1000 * (applied - committed):.0f} ms after the"
                  f" commit was seen{' (warm-up)' if i < warmup else ''}", flush=True)
    for c in clients:
        c.close()
    with open(os.path.join(os.path.dirname(out), "poll.tsv"), "w") as f:
        f.write(f"{statistics.median(poll_times):.5f}\t{max(poll_times):.5f}\t{len(poll_times)}\t{poll_ms:g}\n")


def jstat(args):
    used = old = committed = 0.0
    first = None
    samples = 0
    header = None
    for line in open(args[0]):
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "S0C" or "S0U" in parts:
            header = parts
            continue
        if header is None or len(parts) != len(header):
            continue
        try:
            v = dict(zip(header, map(float, parts)))
        except ValueError:
            continue
        samples += 1
        if first is None:
            first = v["S0U"] + v["S1U"] + v["EU"] + v["OU"]
        used = max(used, v["S0U"] + v["S1U"] + v["EU"] + v["OU"])
        old = max(old, v["OU"])
        committed = max(committed, v["S0C"] + v["S1C"] + v["EC"] + v["OC"])
    print(f"{used / 1024:.1f}\t{old / 1024:.1f}\t{committed / 1024:.1f}\t{samples}\t{(first or 0) / 1024:.1f}")


def gclog(args):
    import re
    pattern = re.compile(r"GC\(\d+\) (Pause \w+).* (\d+)M->(\d+)M\((\d+)M\)")
    after = gcs = full = 0
    for n, line in enumerate(open(args[0])):
        if n < int(args[1]):
            continue
        m = pattern.search(line)
        if m:
            gcs += 1
            full += m.group(1) == "Pause Full"
            after = max(after, int(m.group(3)))
    print(f"{after}\t{gcs}\t{full}")


def randjar(args):
    import zipfile
    path, mib = args[0], int(args[1])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
        entry = zipfile.ZipInfo("bench/random.bin", date_time=(2000, 1, 1, 0, 0, 0))
        with z.open(entry, "w", force_zip64=False) as f:
            for _ in range(mib):
                f.write(os.urandom(1 << 20))


def percentile(values, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def secs(v):
    return f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s"


def read(path):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    return [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]


def live_lags(d, versions):
    """Per version: from the "is live: MESSAGE" line of the host that took the deploy to the last
    "is live (changed on another host)" line of the others, in seconds."""
    import datetime
    import glob
    import re
    line = re.compile(r"^(\S+Z) INFO\s+host \[application\] version (\d+) of production is live(.*)$")
    seen = defaultdict(lambda: ([], []))
    for path in glob.glob(os.path.join(d, "converge*.log")):
        for text in open(path, errors="replace"):
            m = line.match(text.rstrip("\n"))
            if m and int(m.group(2)) in versions:
                t = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
                seen[int(m.group(2))][0 if "another host" not in m.group(3) else 1].append(t)
    return [max(others) - own[0] for own, others in seen.values() if len(own) == 1 and others]


def table(args):
    d = args[0]
    rows = read(os.path.join(d, "converge.tsv"))
    if rows:
        measured = [r for r in rows if r[1] == "measured"]
        hosts = len({r[2] for r in rows})
        print(f"### Convergence: {len(measured)} deploys spread over {hosts} hosts on one store "
              f"(after {len(rows) - len(measured)} warm-up deploys)\n")
        print("| from → to | median | p90 | max |")
        print("|---|---:|---:|---:|")
        column = lambda col, f=float: [f(r[col]) for r in measured]
        after = column(4)
        for label, values in (("deploy command start → it returned", column(3)),
                              ("deploy command returned → every host applied (0: before it returned)",
                               [max(0.0, v) for v in after]),
                              ("deploy command start → every host applied", column(5)),
                              ("commit seen (revision moved) → every host applied", column(6))):
            print(f"| {label} | {secs(statistics.median(values))} | {secs(percentile(values, 90))} "
                  f"| {secs(max(values))} |")
        before = [-v for v in after if v < 0]
        worst = max(measured, key=lambda r: float(r[6]))
        poll = read(os.path.join(d, "poll.tsv"))
        print(f"\nEvery host had applied the change before the deploy command returned in {len(before)} of "
              f"{len(measured)} deploys" + (f" (by {secs(min(before))} to {secs(max(before))})." if before else "."))
        print("Per deploy, commit seen → every host applied (ms): "
              + " ".join(f"{1000 * float(r[6]):.0f}" for r in measured))
        print(f"Slowest: deploy {int(worst[0]) + 1} through host {int(worst[2]) + 1} ({secs(float(worst[6]))} after the"
              f" commit was seen).")
        logged = live_lags(d, {int(r[8]) for r in measured})
        if logged:
            print(f"From the hosts' own log lines (\"version N … is live\", ms timestamps, one clock): the last other host "
                  f"went live {secs(statistics.median(logged))} after the host that took the deploy (median; "
                  f"max {secs(max(logged))}), without the recording of the applied revision and the polling.")
        if poll:
            print(f"GET /v1/hosts, polled every {poll[0][3]} ms plus its own time: {1000 * float(poll[0][0]):.1f} ms "
                  f"(median; max {1000 * float(poll[0][1]):.0f} ms, {poll[0][2]} polls), the resolution of these times.")
        print()
    rows = read(os.path.join(d, "deploy.tsv"))
    if rows:
        # case, target, round, mib, total, packed, rc
        mib = rows[0][3]
        total = defaultdict(list)   # (case, target) -> seconds, start -> return
        client = defaultdict(list)  # start -> the "Deploying" line: launcher, JVM start, packing the zip
        failed = [r for r in rows if r[6] != "0"]
        for r in rows:
            if r[6] == "0":
                total[(r[0], r[1])].append(float(r[4]))
                if float(r[5]) >= 0:
                    client[(r[0], r[1])].append(float(r[5]))
        rest = {k: [t - c for t, c in zip(total[k], client[k])] for k in total if len(client[k]) == len(total[k])}
        n = max(len(v) for v in total.values()) if total else 0
        med = lambda values: statistics.median(values) if values else float("nan")
        print(f"### `jworkers deploy` of a worker with a {mib} MiB jar of random bytes (median of {n} rounds)\n")
        print("| case | store (PostgreSQL) | folder (`--state`) | store / folder | of which upload + host: store "
              "| folder | store / folder |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        labels = {"var": "same jar, a var changed (new bundle hash)",
                  "jar": "new random jar each round (new bundle hash)",
                  "same": "identical bundle again (hash already stored)"}
        for case in ("var", "jar", "same"):
            if (case, "store") not in total or (case, "folder") not in total:
                continue
            ts, tf = med(total[(case, "store")]), med(total[(case, "folder")])
            hs, hf = med(rest.get((case, "store"), [])), med(rest.get((case, "folder"), []))
            print(f"| {labels[case]} | {ts:.2f} s | {tf:.2f} s | {ts / tf:.2f} | {hs:.2f} s | {hf:.2f} s | {hs / hf:.2f} |")
        every_client = [v for values in client.values() for v in values]
        print("\nEach round, start → return (s): " + "; ".join(
            f"{case}/{target} " + " ".join(f"{v:.1f}" for v in total[(case, target)])
            for case in ("var", "jar", "same") for target in ("store", "folder") if (case, target) in total))
        if every_client:
            print(f"The client's part (command start → its \"Deploying\" line: launcher, JVM start, packing the zip) "
                  f"is the rest: median {med(every_client):.2f} s ({min(every_client):.2f}–{max(every_client):.2f} s) "
                  f"over all {len(every_client)} deploys.")
        if failed:
            print(f"FAILED deploys: {len(failed)}: " + ", ".join(f"{r[0]}/{r[1]} round {r[2]} exit {r[6]}" for r in failed))
        print()
    rows = read(os.path.join(d, "heap.tsv"))
    if rows:
        # target, mib, xmx, rc, seconds, peak used, peak old, peak committed, used before, samples, rss hwm,
        # most after a GC, GCs, full GCs
        print(f"### Heap of a host while it takes a {rows[0][1]} MiB bundle at -Xmx{rows[0][2]} "
              f"(jstat -gc every 100 ms, -Xlog:gc)\n")
        print("| host | deploy | took | heap used before | peak heap used | peak old gen used | most heap after a GC "
              "| GC pauses (full) | peak RSS |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {'store (PostgreSQL)' if r[0] == 'store' else 'folder (`--state`)'} | "
                  f"{'succeeded' if r[3] == '0' else 'FAILED (exit ' + r[3] + ')'} | {float(r[4]):.1f} s | "
                  f"{r[8]} MiB | {r[5]} MiB | {r[6]} MiB | {r[11] + ' MiB' if r[12] != '0' else 'no collection'} "
                  f"| {r[12]} ({r[13]}) | {r[10]} MiB |")
        print("\nPeak heap used counts garbage not yet collected; the heap after each collection is what the host"
              " still held. Byte arrays of 1 MiB and more are humongous objects at this heap size (G1 regions of"
              " 1 MiB), allocated straight into the old generation: a large old gen peak can be garbage too.")
        print()
    rows = read(os.path.join(d, "rps.tsv"))
    if rows:
        # round, target, rps, p50 us, p99 us, non2xx, errors
        rounds = defaultdict(dict)
        for r in rows:
            rounds[int(r[0])][r[1]] = r
        print("### Throughput of one host, the three example workers, GET /notes (req/s)\n")
        print("| round | store (PostgreSQL) | folder (`--state`) | store / folder | p99 store | p99 folder | non-2xx / socket errors |")
        print("|---|---:|---:|---:|---:|---:|---|")
        ratios = []
        for k in sorted(rounds):
            s, f = rounds[k].get("store"), rounds[k].get("folder")
            if not s or not f:
                continue
            ratio = float(s[2]) / float(f[2])
            ratios.append(ratio)
            print(f"| {k} | {float(s[2]):,.0f} | {float(f[2]):,.0f} | {ratio:.2f} | {float(s[4]) / 1000:.2f} ms "
                  f"| {float(f[4]) / 1000:.2f} ms | {s[5]}/{s[6]}, {f[5]}/{f[6]} |")
        if ratios:
            s_all = [float(rounds[k]["store"][2]) for k in rounds if "store" in rounds[k]]
            f_all = [float(rounds[k]["folder"][2]) for k in rounds if "folder" in rounds[k]]
            print(f"\nMedian: store {statistics.median(s_all):,.0f} req/s, folder {statistics.median(f_all):,.0f} req/s, "
                  f"store/folder {statistics.median(ratios):.2f} (rounds {min(ratios):.2f}–{max(ratios):.2f})")
        print()


def main():
    command, args = sys.argv[1], sys.argv[2:]
    {"timed": timed, "converge": converge, "jstat": jstat, "gclog": gclog, "randjar": randjar,
     "table": table}[command](args)


if __name__ == "__main__":
    main()
