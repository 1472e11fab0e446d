#!/usr/bin/env bash
# Time from running ./jworkers dev (launcher, JVM, three example workers) to the first 200
# through gateway -> auth -> application. The first run also writes the class-data-sharing
# archive, so it is the cold start; later runs are the usual start.
# Usage: scripts/measure-startup.sh [RUNS]   (prints one line per run, then the median)
# SKIP_BUILD=1 uses the jar as built (benchmarks/run-all.sh builds once).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/find-jdk.sh
[ "${SKIP_BUILD:-}" = 1 ] || ./mvnw -q -B -DskipTests package
# The launcher writes its class-data-sharing archive into target/, which only its own build creates:
# without the folder (a jar built by ./mvnw directly) the JVM cannot write it and starts without.
mkdir -p target
rm -f target/jworkers.jsa
runs=${1:-5}
port=18787
times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  JWORKERS_SKIP_BUILD=1 ./jworkers dev --port "$port" >/dev/null 2>&1 &
  pid=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'x-custom-token: let-me-in' "http://127.0.0.1:$port/" || true)" = 200 ]; do
    sleep 0.005
    if (( ($(date +%s%N) - start) > 60000000000 )); then echo "no 200 within 60 s" >&2; kill "$pid"; exit 1; fi
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "run $i: first 200 after ${ms} ms"
  times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " ms"}'
