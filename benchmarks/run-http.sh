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
#   benchmarks/run-http.sh                     # 2 rounds of a, b, c, d; wrk -t2 -c50, 5 s warm-up, 10 s measured
#   ROUNDS=1 DURATION=5s benchmarks/run-http.sh
#   JFR=1 benchmarks/run-http.sh               # also profiles (c) for DURATION and prints its top frames
#   SINGLE=5s                                  # the last round also measures one connection (wrk -t1 -c1), 0: not
#   VARIANTS="a c"                             # some variants only (a b c d r q)
#   SKIP_BUILD=1 ...                           # use the jars as built
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
warmup=${WARMUP:-5s}
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
single=${SINGLE:-5s}   # the last round also runs wrk -t1 -c1 this long per variant; 0: not
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
port_a=$base_port port_b=$((base_port + 1)) port_c=$((base_port + 2))
port_d=$((base_port + 3)) port_d_auth=$((base_port + 4)) port_d_app=$((base_port + 5))
for client in jdk raw; do
  cat > "$work/httpgateway/worker-$client.jsonc" <<JSON
{ "name": "gateway", "classpath": ["classes"], "routes": ["/*"],
  "vars": { "CLIENT": "$client", "AUTH_URL": "http://127.0.0.1:$port_d_auth", "APPLICATION_URL": "http://127.0.0.1:$port_d_app" } }
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
dev=("$java" ${JVM_OPTS:-} -jar "$jar" dev)

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
    q) start "$work/c0.log" "${dev[@]}" --port "$port_c" --access-log off -c "$root/example-gateway/worker.jsonc" \
         -c "$root/example-auth/worker.jsonc" -c "$root/example-application/worker.jsonc"
       echo "$port_c" ;;
    d|r) local client=jdk
       [ "$1" = r ] && client=raw
       start "$work/$1-auth.log" "${dev[@]}" --port "$port_d_auth" -c "$root/example-auth/worker.jsonc"
       start "$work/$1-app.log" "${dev[@]}" --port "$port_d_app" -c "$root/example-application/worker.jsonc"
       start "$work/$1-gateway.log" "${dev[@]}" --port "$port_d" -c "$work/httpgateway/worker-$client.jsonc"
       echo "$port_d" ;;
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

results=$work/results.tsv
: > "$results"
for round in $(seq 1 "$rounds"); do
  for v in ${VARIANTS:-a b c d r q}; do
    echo "Round $round/$rounds: $(label $v)..."
    # up runs in this shell (not a subshell) so that its pids are remembered.
    up "$v" > "$work/port"
    port=$(cat "$work/port")
    ready "$port"
    # The other processes of (d) must be up too: the gateway answering 200 proves it.
    wrk -t"$threads" -c"$connections" -d"$warmup" -H "x-custom-token: $token" "http://127.0.0.1:$port$url_path" > /dev/null
    out=$work/round$round-$v-wrk.txt
    wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "x-custom-token: $token" \
      "http://127.0.0.1:$port$url_path" > "$out"
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out")
    p50=$(sed -n 's/^ *50% *\(.*\)$/\1/p' "$out")
    p99=$(sed -n 's/^ *99% *\(.*\)$/\1/p' "$out")
    non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$out")
    errors=$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$out")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$v" "$rps" "$(to_us "$p50")" "$(to_us "$p99")" \
      "${non2xx:-0}" "${errors:-none}" >> "$results"
    if [ "$round" = "$rounds" ] && [ "$single" != 0 ]; then
      # One connection, one request at a time: the latency of the work itself, without queueing.
      single_out=$work/single-$v-wrk.txt
      wrk -t1 -c1 -d"$single" --latency -H "x-custom-token: $token" "http://127.0.0.1:$port$url_path" > "$single_out"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' single "$v" "$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$single_out")" \
        "$(to_us "$(sed -n 's/^ *50% *\(.*\)$/\1/p' "$single_out")")" "$(to_us "$(sed -n 's/^ *99% *\(.*\)$/\1/p' "$single_out")")" \
        "$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$single_out" | grep . || echo 0)" \
        "$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$single_out" | grep . || echo none)" >> "$results"
    fi
    if [ "$v" = c ] && [ "${JFR:-}" = 1 ] && [ "$round" = "$rounds" ]; then
      host=${pids[0]}
      echo "Profiling (c) with JFR for $duration..."
      "$JAVA_HOME/bin/jcmd" "$host" JFR.start name=bench settings=profile filename="$work/c.jfr" > /dev/null
      wrk -t"$threads" -c"$connections" -d"$duration" -H "x-custom-token: $token" \
        "http://127.0.0.1:$port$url_path" > "$work/c-jfr-wrk.txt"
      "$JAVA_HOME/bin/jcmd" "$host" JFR.stop name=bench > /dev/null
    fi
    cleanup
  done
done

python3 "$here/http-table.py" "$results" "$connections" "$threads" "$duration"
if [ -f "$work/c.jfr" ]; then
  echo
  python3 "$here/jfr-top.py" "$JAVA_HOME/bin/jfr" "$work/c.jfr"
fi
echo
echo "wrk's output and the servers' logs are in $work"
