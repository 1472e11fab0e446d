#!/usr/bin/env bash
# The same HTTP work, four ways, side by side in one run:
#   (a) bare     a bare Helidon WebServer handler doing it inline (BareHelidon)
#   (b) inline   one worker doing gateway + auth + application inline (src/main/workers/inline)
#   (c) chain    gateway -> auth -> application through bindings in one host (the examples)
#   (d) 3procs   the same three as three host processes calling each other over loopback HTTP
#                (src/main/workers/httpgateway with the JDK HttpClient; auth and application unchanged)
#   (d') 3procs  the same with the cheapest client possible (plain keep-alive sockets, RawHttpClient)
#   (c0) chain   (c) without the access log line per request (jworkers dev --access-log off)
# The work: GET /notes with x-custom-token: the constant-time token check, then the notes list
# (empty) as {"notes":[]}. Every server is checked to answer exactly that before it is loaded.
# Targets (docs/PERFORMANCE.md, Targets): (c) at least 0.95 of (b)'s throughput and 0.85 of (a)'s;
# against (d), at least 3x the throughput and at most 1/3 of the p99 latency.
#
#   benchmarks/run-http.sh                     # 2 rounds of a, b, c, d; wrk -t2 -c50, 16 s warm-up (4 runs of 4 s), 10 s measured
#   ROUNDS=1 DURATION=5s benchmarks/run-http.sh
#   JFR=1 benchmarks/run-http.sh               # also profiles (c) for DURATION and prints its top frames
#   SINGLE=5s                                  # the last round also measures one connection (wrk -t1 -c1), 0: not
#   VARIANTS="a c"                             # some variants only (a b c d r q)
#   SKIP_BUILD=1 ...                           # use the jars as built
#
# A round starts every variant's servers at once, warms each, then measures them in turns: the
# measured time of each is cut into SLICES (default 5) slices, and the variants take their
# slices in rotation (a b c, b c a, c a b, ...), so that a burst of load from elsewhere on a shared
# machine falls on all of them alike instead of on whichever ran then. A variant's req/s is its
# requests over its slices' time, its p50 and p99 those of its slices' latencies merged into one
# distribution (quantiles.lua, latency.py).
#   SLICES=1                                   # one run per variant, one after the other
#
# Prints a Markdown table per round and the ratios c/a, c/b, c/d of each round (ratios are only
# meaningful within one round: the machine is shared). Files: benchmarks/target/http/.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname -- "$here")
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
# shellcheck source=servers.sh
. "$here/servers.sh"

rounds=${ROUNDS:-2}
duration=${DURATION:-10s}
# Long enough for the JVM's optimizing compiler to finish the request path of every variant: with
# wrk on the same 2 cores, C2 compiles (c) for 6-8 s under load (docs/PERFORMANCE.md, "A seventh run").
warmup=${WARMUP:-16s}
# The warm-up is cut into runs this long with a pause of a second between them. Each measured turn
# opens new connections after seconds of idle; a warm-up of one unbroken run leaves those paths out
# of the compiler's profiles, and the first turn of every variant then paid their recompilation
# (docs/PERFORMANCE.md, "A ninth run").
warmup_step=${WARMUP_STEP:-4}
if ! [[ $warmup =~ ^[0-9]+s$ ]] || ! [[ $warmup_step =~ ^[1-9][0-9]*$ ]]; then
  echo "WARMUP must be whole seconds (e.g. 16s), WARMUP_STEP a positive number of seconds (not $warmup, $warmup_step)" >&2
  exit 2
fi
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
single=${SINGLE:-5s}   # the last round also runs wrk -t1 -c1 this long per variant; 0: not
slices=${SLICES:-5}
base_port=${PORT:-18910}
token=let-me-in   # example-auth/.dev.vars
url_path=/notes
expected='{"notes":[]}'

if ! command -v wrk >/dev/null; then
  echo "Installing wrk (apt-get install wrk)..."
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "Building the host, the examples and the benchmarks..."
  (cd "$root" && ./mvnw -q -B -DskipTests package \
    -pl framework-runtime,example-gateway,example-auth,example-application,benchmarks -am)
fi
jar=$root/framework-runtime/target/jworkers.jar
bench_jar=$here/target/benchmarks.jar
java=$JAVA_HOME/bin/java

work=$here/target/http
rm -rf "$work"
mkdir -p "$work"
for w in inline httpgateway; do
  mkdir -p "$work/$w/classes"
  "$JAVA_HOME/bin/javac" --release 21 -proc:none -d "$work/$w/classes" \
    -cp "$root/framework-api/target/classes" "$here"/src/main/workers/$w/bench/$w/*.java
done
cat > "$work/inline/worker.jsonc" <<JSON
{ "name": "inline", "classpath": ["classes"], "routes": ["/*"], "secrets": { "required": ["SECRET_TOKEN"] } }
JSON
echo "SECRET_TOKEN=$token" > "$work/inline/.dev.vars"
# Every variant has ports of its own: a round runs them all at once.
port_a=$base_port port_b=$((base_port + 1)) port_c=$((base_port + 2)) port_q=$((base_port + 3))
port_d=$((base_port + 4)) port_d_auth=$((base_port + 5)) port_d_app=$((base_port + 6))
port_r=$((base_port + 7)) port_r_auth=$((base_port + 8)) port_r_app=$((base_port + 9))
# The admin listeners of the dev hosts: free ports chosen by each (the dashboard is not used here).
for client in jdk raw; do
  if [ $client = jdk ]; then auth=$port_d_auth app=$port_d_app; else auth=$port_r_auth app=$port_r_app; fi
  cat > "$work/httpgateway/worker-$client.jsonc" <<JSON
{ "name": "gateway", "classpath": ["classes"], "routes": ["/*"],
  "vars": { "CLIENT": "$client", "AUTH_URL": "http://127.0.0.1:$auth", "APPLICATION_URL": "http://127.0.0.1:$app" } }
JSON
done

# ready PORT: waits until GET /notes with the token answers 200 with the expected body.
ready() {
  local port=$1 body
  for _ in $(seq 1 300); do
    body=$(curl -s -H "x-custom-token: $token" "http://127.0.0.1:$port$url_path" || true)
    [ "$body" = "$expected" ] && return 0
    sleep 0.1
  done
  echo "The server on port $port did not answer $expected within 30 s (it answered: $body); logs in $work" >&2
  exit 1
}

# Every jworkers process runs as a user runs it: the fat jar's dev command, access log on (stderr
# goes to a file). The same JVM options for all: the defaults.
# shellcheck disable=SC2206
dev=("$java" ${JVM_OPTS:-} -jar "$jar" dev --admin-port 0)

# up VARIANT: starts the server(s) of a variant; prints the public port.
up() {
  case $1 in
    a) start "$work/a.log" "$java" ${JVM_OPTS:-} -cp "$bench_jar" io.jworkers.benchmarks.BareHelidon "$port_a" "$token"
       echo "$port_a" ;;
    b) start "$work/b.log" "${dev[@]}" --port "$port_b" -c "$work/inline/worker.jsonc"
       echo "$port_b" ;;
    c) start "$work/c.log" "${dev[@]}" --port "$port_c" -c "$root/example-gateway/worker.jsonc" \
         -c "$root/example-auth/worker.jsonc" -c "$root/example-application/worker.jsonc"
       echo "$port_c" ;;
    q) start "$work/c0.log" "${dev[@]}" --port "$port_q" --access-log off -c "$root/example-gateway/worker.jsonc" \
         -c "$root/example-auth/worker.jsonc" -c "$root/example-application/worker.jsonc"
       echo "$port_q" ;;
    d) start "$work/d-auth.log" "${dev[@]}" --port "$port_d_auth" -c "$root/example-auth/worker.jsonc"
       start "$work/d-app.log" "${dev[@]}" --port "$port_d_app" -c "$root/example-application/worker.jsonc"
       start "$work/d-gateway.log" "${dev[@]}" --port "$port_d" -c "$work/httpgateway/worker-jdk.jsonc"
       echo "$port_d" ;;
    r) start "$work/r-auth.log" "${dev[@]}" --port "$port_r_auth" -c "$root/example-auth/worker.jsonc"
       start "$work/r-app.log" "${dev[@]}" --port "$port_r_app" -c "$root/example-application/worker.jsonc"
       start "$work/r-gateway.log" "${dev[@]}" --port "$port_r" -c "$work/httpgateway/worker-raw.jsonc"
       echo "$port_r" ;;
  esac
}

label() {
  case $1 in
    a) echo "(a) bare Helidon handler, inline" ;;
    b) echo "(b) one worker, inline" ;;
    c) echo "(c) gateway -> auth -> application, bindings, one host" ;;
    d) echo "(d) three processes over loopback HTTP, JDK HttpClient" ;;
    r) echo "(d') three processes over loopback HTTP, raw keep-alive socket client" ;;
    q) echo "(c0) as (c), without the access log" ;;
  esac
}

# wrk's runs keep their whole latency distribution (quantiles.lua), so that a variant's slices
# merge into one (latency.py); results.tsv names each run's output: round (or "single"), variant, file.
quantiles=$here/quantiles.lua

# The measured time of a variant, cut into slices of whole seconds.
slice_s=$(slice_seconds "$duration" "$slices")

# measure_slice SLICE VARIANT: one slice of a variant's measured time, of the current round.
measure_slice() {
  local out=$work/round$round-$2-slice$1-wrk.txt cpu_before cpu_after
  # shellcheck disable=SC2086  # the variant's pids, one word each
  cpu_before=$(cpu_ticks ${procs_of[$2]})
  wrk -t"$threads" -c"$connections" -d"${slice_s}s" --latency -s "$quantiles" -H "x-custom-token: $token" \
    "http://127.0.0.1:${port_of[$2]}$url_path" > "$out"
  # shellcheck disable=SC2086
  cpu_after=$(cpu_ticks ${procs_of[$2]})
  printf '%s\t%s\t%s\t%s\n' "$round" "$2" "$out" $((cpu_after - cpu_before)) >> "$results"
}
read -r -a variants <<< "${VARIANTS:-a b c d r q}"
results=$work/results.tsv
: > "$results"
: > "$work/loads.tsv"
# warm_up PORT: WARMUP of load, in runs of warmup_step seconds with a second's pause between them.
warm_up() {
  local left=${warmup%s} step
  while [ "$left" -gt 0 ]; do
    step=$(( left < warmup_step ? left : warmup_step ))
    wrk -t"$threads" -c"$connections" -d"${step}s" -H "x-custom-token: $token" "http://127.0.0.1:$1$url_path" > /dev/null
    left=$((left - step))
    if [ "$left" -gt 0 ]; then sleep 1; fi
  done
}

for round in $(seq 1 "$rounds"); do
  declare -A port_of=() host_of=() procs_of=()
  for v in "${variants[@]}"; do
    echo "Round $round/$rounds: starting $(label "$v")..."
    started=${#pids[@]}
    # up runs in this shell (not a subshell) so that its pids are remembered.
    up "$v" > "$work/port"
    port_of[$v]=$(cat "$work/port")
    host_of[$v]=${pids[${#pids[@]}-1]}
    # Every process of the variant (three for d and d'): their CPU is the variant's.
    procs_of[$v]=${pids[*]:$started}
  done
  for v in "${variants[@]}"; do
    ready "${port_of[$v]}"
    # The other processes of (d) must be up too: the gateway answering 200 proves it.
    warm_up "${port_of[$v]}"
  done
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  printf '%s\t%s\n' "$round" "$load" >> "$work/loads.tsv"
  echo "Round $round/$rounds: measuring ${variants[*]} in $slices turns of ${slice_s} s each (load average $load)..."
  in_turns "$slices" measure_slice "${variants[@]}"
  if [ "$round" = "$rounds" ] && [ "$single" != 0 ]; then
    for v in "${variants[@]}"; do
      # One connection, one request at a time: the latency of the work itself, without queueing.
      out=$work/single-$v-wrk.txt
      # shellcheck disable=SC2086
      cpu_before=$(cpu_ticks ${procs_of[$v]})
      wrk -t1 -c1 -d"$single" --latency -s "$quantiles" -H "x-custom-token: $token" \
        "http://127.0.0.1:${port_of[$v]}$url_path" > "$out"
      # shellcheck disable=SC2086
      cpu_after=$(cpu_ticks ${procs_of[$v]})
      printf '%s\t%s\t%s\t%s\n' single "$v" "$out" $((cpu_after - cpu_before)) >> "$results"
    done
  fi
  if [[ " ${variants[*]} " == *" c "* ]] && [ "${JFR:-}" = 1 ] && [ "$round" = "$rounds" ]; then
    host=${host_of[c]}
    echo "Profiling (c) with JFR for $duration..."
    "$JAVA_HOME/bin/jcmd" "$host" JFR.start name=bench settings=profile filename="$work/c.jfr" > /dev/null
    wrk -t"$threads" -c"$connections" -d"$duration" -H "x-custom-token: $token" \
      "http://127.0.0.1:$port_c$url_path" > "$work/c-jfr-wrk.txt"
    "$JAVA_HOME/bin/jcmd" "$host" JFR.stop name=bench > /dev/null
  fi
  cleanup
done

python3 "$here/http-table.py" "$results" "$connections" "$threads" "$duration" "$slices" "$work/loads.tsv"
if [ -f "$work/c.jfr" ]; then
  echo
  python3 "$here/jfr-top.py" "$JAVA_HOME/bin/jfr" "$work/c.jfr"
fi
echo
echo "wrk's output and the servers' logs are in $work"
