#!/usr/bin/env bash
# 10,000 requests in flight through gateway -> auth -> application in one host, the application
# blocking 100 ms on each (simulated I/O), against the same host when nothing blocks, in one run.
# Target (docs/PERFORMANCE.md, Targets): no errors, and blocking throughput at least 0.8 of
# min(100,000 req/s, the no-blocking throughput). Prints throughput, latency, errors and the host's heap.
#
#   benchmarks/run-concurrency.sh            # 10,000 connections, 20 s each way (about 2 minutes)
#   CONNECTIONS=2000 DURATION=10s benchmarks/run-concurrency.sh
#   HOST_OPTS="-Xmx2g -XX:+UseParallelGC" ...   # the host JVM's options, default -Xmx1g
#
# Uses the example gateway and auth workers as built by Maven and a small application worker
# (src/main/workers/slowapp) compiled here. Installs wrk from Debian's packages if it is missing.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname -- "$here")
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"

connections=${CONNECTIONS:-10000}
duration=${DURATION:-20s}
port=${PORT:-18900}
token=bench-token

if ! command -v wrk >/dev/null; then
  echo "Installing wrk (apt-get install wrk)..."
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
# Every connection is a file descriptor, in wrk and in the host.
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $((connections + 1000)) ]; then
  echo "The open-file limit ($(ulimit -n)) is below $((connections + 1000)); raise it (ulimit -Hn) or set CONNECTIONS." >&2
  exit 1
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then   # SKIP_BUILD=1: use the jars as built (run-all.sh builds once)
  echo "Building the host and the example workers..."
  (cd "$root" && ./mvnw -q -B -DskipTests package -pl framework-runtime,example-gateway,example-auth,benchmarks -am)
fi

work=$here/target/concurrency
rm -rf "$work"
mkdir -p "$work/gateway" "$work/auth" "$work/application/classes"
"$JAVA_HOME/bin/javac" --release 21 -proc:none -d "$work/application/classes" \
  -cp "$root/framework-api/target/classes" "$here"/src/main/workers/slowapp/bench/slowapp/*.java
cat > "$work/gateway/worker.jsonc" <<JSON
{ "name": "gateway", "classpath": ["$root/example-gateway/target/classes"], "routes": ["/*"],
  "services": [{ "binding": "AUTH", "service": "auth" }, { "binding": "APPLICATION", "service": "application" }] }
JSON
cat > "$work/auth/worker.jsonc" <<JSON
{ "name": "auth", "classpath": ["$root/example-auth/target/classes"], "secrets": { "required": ["SECRET_TOKEN"] } }
JSON
echo "SECRET_TOKEN=$token" > "$work/auth/.dev.vars"

# run LABEL DELAY_MS: starts a host, loads it for $duration with $connections connections, reports.
run() {
  local label=$1 delay=$2
  cat > "$work/application/worker.jsonc" <<JSON
{ "name": "application", "classpath": ["classes"], "vars": { "DELAY_MS": "$delay" } }
JSON
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" ${HOST_OPTS:--Xmx1g} -jar "$root/framework-runtime/target/jworkers.jar" dev --port "$port" \
    -c "$work/gateway/worker.jsonc" -c "$work/auth/worker.jsonc" -c "$work/application/worker.jsonc" \
    > "$work/$label-host.log" 2>&1 &
  local host=$!
  for _ in $(seq 1 200); do grep -q "Ready on" "$work/$label-host.log" && break; sleep 0.1; done
  grep -q "Ready on" "$work/$label-host.log" || { cat "$work/$label-host.log"; kill "$host"; exit 1; }
  wrk -t2 -c200 -d5s -H "x-custom-token: $token" "http://127.0.0.1:$port/" > /dev/null   # warm-up
  wrk -t2 -c"$connections" -d"$duration" --timeout 10s --latency -H "x-custom-token: $token" \
    "http://127.0.0.1:$port/" > "$work/$label-wrk.txt"
  local heap_used heap_after_gc
  heap_used=$("$JAVA_HOME/bin/jcmd" "$host" GC.heap_info | sed -n 's/.*total.*used \([0-9]*K\).*/\1/p' | head -1)
  "$JAVA_HOME/bin/jcmd" "$host" GC.run > /dev/null
  heap_after_gc=$("$JAVA_HOME/bin/jcmd" "$host" GC.heap_info | sed -n 's/.*total.*used \([0-9]*K\).*/\1/p' | head -1)
  kill "$host"; wait "$host" 2>/dev/null || true
  local rps p50 p99 non2xx errors
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/$label-wrk.txt")
  p50=$(sed -n 's/^ *50% *\(.*\)$/\1/p' "$work/$label-wrk.txt")
  p99=$(sed -n 's/^ *99% *\(.*\)$/\1/p' "$work/$label-wrk.txt")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$work/$label-wrk.txt")
  errors=$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$work/$label-wrk.txt")
  printf '%-22s %10s %9s %9s %8s  %-44s %10s %12s\n' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}" \
    "${errors:-none}" "$heap_used" "$heap_after_gc" >> "$work/table.txt"
  echo "$rps" > "$work/$label-rps"
}

printf '%-22s %10s %9s %9s %8s  %-44s %10s %12s\n' "run" "req/s" "p50" "p99" "non-2xx" "socket errors" "heap used" "heap after GC" > "$work/table.txt"
echo "Running: nothing blocks, $connections connections, $duration..."
run "no-blocking" 0
echo "Running: the application blocks 100 ms, $connections connections, $duration..."
run "blocking-100ms" 100

# The same load on a bare Helidon handler that sleeps 100 ms (no framework): what the JDK and Helidon
# themselves reach on this machine, the ceiling any framework on them shares.
echo "Running: bare Helidon, the handler blocks 100 ms, $connections connections, $duration..."
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" ${HOST_OPTS:--Xmx1g} -cp "$here/target/benchmarks.jar" io.jworkers.benchmarks.BareHelidon \
  "$port" "$token" 100 > "$work/bare-host.log" 2>&1 &
bare=$!
for _ in $(seq 1 200); do grep -q "Ready on" "$work/bare-host.log" && break; sleep 0.1; done
wrk -t2 -c200 -d5s -H "x-custom-token: $token" "http://127.0.0.1:$port/notes" > /dev/null
wrk -t2 -c"$connections" -d"$duration" --timeout 10s --latency -H "x-custom-token: $token" \
  "http://127.0.0.1:$port/notes" > "$work/bare-blocking-wrk.txt"
kill "$bare"; wait "$bare" 2>/dev/null || true
sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/bare-blocking-wrk.txt" > "$work/bare-blocking-rps"
printf '%-22s %10s\n' "bare-helidon-100ms" "$(cat "$work/bare-blocking-rps")" >> "$work/table.txt"

cat "$work/table.txt"
python3 - "$work" "$connections" <<'PY'
import sys
work, connections = sys.argv[1], int(sys.argv[2])
free = float(open(f"{work}/no-blocking-rps").read())
blocked = float(open(f"{work}/blocking-100ms-rps").read())
bare = float(open(f"{work}/bare-blocking-rps").read())
ceiling = min(100_000, connections / 0.1, free)
print(f"\nblocking / min(100,000 req/s, {connections} connections / 100 ms, no-blocking {free:.0f} req/s) = "
      f"{blocked:.0f} / {ceiling:.0f} = {blocked / ceiling:.2f}  (target >= 0.80)")
print(f"bare Helidon blocking / the same ceiling = {bare:.0f} / {ceiling:.0f} = {bare / ceiling:.2f}  "
      f"(what the JDK and Helidon alone reach here)")
print(f"jworkers blocking / bare Helidon blocking = {blocked:.0f} / {bare:.0f} = {blocked / bare:.2f}")
PY
echo "wrk's full output and the host logs are in $work"
