#!/usr/bin/env bash
# Every performance target of docs/PERFORMANCE.md (Targets) measured in one command, in about
# 8 minutes on 2 cores:
#   1. calls       JMH, binding calls against direct calls (run-calls.sh: 1 fork, 3+5 iterations of 1 s)
#   2. http        the same HTTP work four ways, wrk, 2 rounds (run-http.sh), JFR top frames of (c)
#   3. concurrency 10,000 connections, the application blocking 100 ms (run-concurrency.sh, 20 s each way)
#   4. start-up    ./jworkers dev to the first 200 with the three examples, 5 runs, each beside the
#                  same measurement of a bare Helidon server and of ./jworkers --help (the floors);
#                  each example worker's load time (LoadBench examples)
#   5. scale       10, 50, 100, 200 generated workers in one host: load time, heap (LoadBench scale)
# Writes Markdown under benchmarks/results/ (gitignored) and prints it all at the end.
#
#   benchmarks/run-all.sh
#   ONLY="http scale" benchmarks/run-all.sh       # some parts only
#
# Installs wrk from Debian's packages when missing. The machine should be otherwise idle: every
# number is a ratio within one run, but a busy machine still moves them.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname -- "$here")
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"

parts=${ONLY:-calls http concurrency startup scale}
results=$here/results
mkdir -p "$results"
started=$(date +%s)
want() { [[ " $parts " == *" $1 "* ]]; }
elapsed() { echo "$(( $(date +%s) - started )) s"; }

if ! command -v wrk >/dev/null; then
  echo "Installing wrk (apt-get install wrk)..."
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi

echo "== Building (./mvnw -DskipTests package)..."
(cd "$root" && ./mvnw -q -B -DskipTests package)
export SKIP_BUILD=1 JWORKERS_SKIP_BUILD=1

{
  echo "## Machine"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| CPU | $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1), $(nproc) cores |"
  echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null) |"
  echo "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) |"
  echo "| JDK | $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p) |"
  echo "| OS | $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $(uname -r) |"
  echo "| wrk | $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2) |"
  echo "| commit | $(cd "$root" && git rev-parse --short HEAD 2>/dev/null)$(cd "$root" && git diff --quiet 2>/dev/null || echo ' (with local changes)') |"
  echo
} > "$results/machine.md"

if want calls; then
  echo "== 1/5 calls (JMH) [$(elapsed)]"
  # A shared machine may run another JMH (it holds /tmp/jmh.lock): run anyway; the ratios are within this run.
  JMH_HOST_OPTS=-Djmh.ignoreLock=true "$here/run-calls.sh" > "$results/calls.txt"
  { echo "## Calls (JMH, 1 fork, 3 × 1 s warm-up, 5 × 1 s measured)"; echo; echo '```'
    sed -n '/^benchmark/,$p' "$results/calls.txt"; echo '```'; echo; } > "$results/calls.md"
fi

if want http; then
  echo "== 2/5 HTTP, four ways [$(elapsed)]"
  JFR=1 "$here/run-http.sh" > "$results/http.txt"
  sed -n '/^### HTTP/,/^wrk.s output/p' "$results/http.txt" | sed '$d' > "$results/http.md"
fi

if want concurrency; then
  echo "== 3/5 concurrency [$(elapsed)]"
  DURATION=${CONCURRENCY_DURATION:-20s} "$here/run-concurrency.sh" > "$results/concurrency.txt"
  { echo "## Concurrency (10,000 connections, ${CONCURRENCY_DURATION:-20s} each way)"; echo; echo '```'
    sed -n '/^run /,/^jworkers blocking/p' "$results/concurrency.txt"; echo '```'; echo; } > "$results/concurrency.md"
fi

java=$JAVA_HOME/bin/java
bench_jar=$here/target/benchmarks.jar

if want startup; then
  echo "== 4/5 start-up [$(elapsed)]"
  # As scripts/measure-startup.sh does, but each run beside its floors, so that they share the
  # machine's state: the launcher + JVM + CLI doing nothing (./jworkers --help), and a bare Helidon
  # server (with its own class-data-sharing archive) to its first 200. Run 1 writes the archives.
  mkdir -p "$root/target"   # the launcher's archive goes there; only the launcher's own build creates it
  rm -f "$root/target/jworkers.jsa" "$here/target/bare.jsa"
  # On Java 25+ the launcher starts with the AOT cache once it is newer than the jar, and makes it
  # in the background when it is not: made here first, so that no training run shares the machine
  # with the measured starts.
  if [ "${JWORKERS_AOT:-on}" != off ]; then "$root/scripts/aot-cache.sh"; fi
  # first200 PORT PATH CMD...: ms from starting CMD to the first 200 of PATH on PORT.
  first200() {
    local port=$1 path=$2 t pid
    shift 2
    t=$(date +%s%N)
    "$@" > /dev/null 2>&1 &
    pid=$!
    until [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'x-custom-token: let-me-in' "http://127.0.0.1:$port$path" || true)" = 200 ]; do
      sleep 0.005
      if (( ($(date +%s%N) - t) > 60000000000 )); then echo "no 200 within 60 s: $*" >&2; kill "$pid"; exit 1; fi
    done
    echo $(( ($(date +%s%N) - t) / 1000000 ))
    kill "$pid"; wait "$pid" 2>/dev/null || true
  }
  dev_ms=() help_ms=() bare_ms=()
  for i in 1 2 3 4 5; do
    dev_ms+=($(cd "$root" && first200 18991 / ./jworkers dev --port 18991))
    bare_ms+=($(first200 18990 /notes "$java" -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$here/target/bare.jsa" \
      -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$bench_jar" io.jworkers.benchmarks.BareHelidon 18990 let-me-in))
    t=$(date +%s%N); (cd "$root" && ./jworkers --help > /dev/null); help_ms+=($(( ($(date +%s%N) - t) / 1000000 )))
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  "$java" -cp "$bench_jar" io.jworkers.benchmarks.LoadBench examples "$root" > "$results/load.txt"
  { echo "## Start-up"
    echo
    echo "From starting the command to the first 200, 5 runs, each command run beside the others (launcher"
    echo "script, JVM with its class-data-sharing archive, workers, listener, first request):"
    echo
    echo "| what | median | runs 1–5 (ms; run 1 writes the archive) |"
    echo "|---|---:|---|"
    echo "| **\`./jworkers dev\` with the three examples, to the first 200 through gateway → auth → application** | **$(median "${dev_ms[@]}") ms** | ${dev_ms[*]} |"
    echo "| floor: a bare Helidon server (BareHelidon, own CDS archive) to its first 200 | $(median "${bare_ms[@]}") ms | ${bare_ms[*]} |"
    echo "| floor: \`./jworkers --help\` (launcher script + JVM + CLI, nothing loaded) | $(median "${help_ms[@]}") ms | ${help_ms[*]} |"
    echo
    echo "Each example worker's load (config parse, .dev.vars, loader, class scan, validation, instance, env),"
    echo "in a fresh JVM without class-data sharing, then the same three loaded again in that JVM:"
    echo
    echo "| step | first time in the JVM | again (warm) |"
    echo "|---|---:|---:|"
    cat "$results/load.txt"
    echo; } > "$results/startup.md"
fi

if want scale; then
  echo "== 5/5 scale [$(elapsed)]"
  : > "$results/scale.txt"
  for n in 10 50 100 200; do
    "$java" -Xmx256m -cp "$bench_jar" io.jworkers.benchmarks.LoadBench scale "$n" >> "$results/scale.txt"
  done
  { echo "## Many workers (generated; one fresh JVM per row, -Xmx256m)"
    echo
    echo "| workers | total load | first worker | mean of the others | median of the others | one request to each (through its binding) | heap after GC | heap per worker vs. before loading | metaspace | metaspace per worker vs. before loading |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    cat "$results/scale.txt"
    echo
    python3 - "$results/scale.txt" <<'PY'
import re, sys
rows = []
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    num = lambda c: float(re.sub(r"[^0-9.]", "", c))
    # the load time without the first worker, which pays for the runtime's own class loading
    rows.append((int(cells[0]), num(cells[1]) - num(cells[2]), num(cells[6]), num(cells[8])))
(n0, t0, h0, m0), (n1, t1, h1, m1) = rows[0], rows[-1]
print(f"Growth from {n0} to {n1} workers, per added worker: load {(t1 - t0) / (n1 - n0):.2f} ms (total minus the first worker), "
      f"heap {(h1 - h0) * 1024 / (n1 - n0):.0f} KiB, metaspace {(m1 - m0) * 1024 / (n1 - n0):.0f} KiB "
      f"(target: linear, heap ≤ 256 MiB at 200: {'met' if h1 <= 256 else 'MISSED'}, {h1:.1f} MiB).")
print()
PY
  } > "$results/scale.md"
fi

total=$(( $(date +%s) - started ))
{ echo "# jworkers benchmarks: results"
  echo
  echo "\`benchmarks/run-all.sh\`, wall time $((total / 60)) min $((total % 60)) s (build included)."
  echo
  cat "$results/machine.md"
  for part in calls http concurrency startup scale; do
    [ -f "$results/$part.md" ] && want "$part" && cat "$results/$part.md"
  done
} > "$results/RESULTS.md"
cat "$results/RESULTS.md"
echo "Written to $results/RESULTS.md (parts and raw outputs beside it) in $((total / 60)) min $((total % 60)) s."
