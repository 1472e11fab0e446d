#!/usr/bin/env python3
"""Where a JFR recording's CPU samples (jdk.ExecutionSample) go: top frames, self and inclusive.

Usage: jfr-top.py PATH/TO/jfr RECORDING.jfr [N]
"""
import json
import subprocess
import sys
from collections import Counter

# Inclusive buckets, first match wins, tested from the top of the stack down.
BUCKETS = [
    ("access log (JUL formatting + stderr write)", ("java.util.logging.", "io.jworkers.runtime.http.AccessLog",
                                                    "io.jworkers.runtime.cli.LogSetup")),
    ("binding call (jworkers pipeline/binding/rpc)", ("io.jworkers.runtime.binding.", "io.jworkers.runtime.pipeline.WorkerCall.bindingFetch")),
    ("worker code (examples)", ("io.jworkers.example.",)),
    ("request/response conversion (HttpMessages)", ("io.jworkers.runtime.http.HttpMessages",)),
    ("jworkers ingress (other)", ("io.jworkers.runtime.",)),
    ("Helidon HTTP/1.1 (parse, write, socket)", ("io.helidon.",)),
]


def name(frame):
    m = frame["method"]
    return f'{m["type"]["name"].replace("/", ".")}.{m["name"]}'


def main():
    jfr, recording = sys.argv[1], sys.argv[2]
    top_n = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    raw = subprocess.run([jfr, "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", recording],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    self_counts, incl_counts, buckets = Counter(), Counter(), Counter()
    for event in events:
        frames = [name(f) for f in event["values"]["stackTrace"]["frames"]]
        if not frames:
            continue
        self_counts[frames[0]] += 1
        for f in set(frames):
            incl_counts[f] += 1
        bucket = "other (JDK, GC barriers, virtual-thread scheduling)"
        for label, prefixes in BUCKETS:
            if any(f.startswith(prefixes) for f in frames):
                bucket = label
                break
        buckets[bucket] += 1
    total = sum(self_counts.values())
    print(f"### JFR CPU samples of (c): {total} samples (jdk.ExecutionSample, settings=profile)\n")
    print("Each sample counted once, in the first bucket that any of its frames matches (top to bottom of this list):\n")
    print("| bucket | samples | share |")
    print("|---|---:|---:|")
    for label, count in buckets.most_common():
        print(f"| {label} | {count} | {100 * count / total:.1f}% |")
    print(f"\nTop {top_n} frames by self samples:\n")
    print("| frame | self | share |")
    print("|---|---:|---:|")
    for frame, count in self_counts.most_common(top_n):
        print(f"| `{frame}` | {count} | {100 * count / total:.1f}% |")
    print(f"\nTop jworkers frames by inclusive samples:\n")
    print("| frame | inclusive | share |")
    print("|---|---:|---:|")
    ours = [(f, c) for f, c in incl_counts.most_common() if f.startswith("io.jworkers.")][:top_n]
    for frame, count in ours:
        print(f"| `{frame}` | {count} | {100 * count / total:.1f}% |")


if __name__ == "__main__":
    main()
