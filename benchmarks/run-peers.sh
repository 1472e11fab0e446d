#!/usr/bin/env bash
# jworkers against its peer, Cloudflare's open-source runtime workerd (npm "workerd"), side by
# side on this machine:
#   workerd        the reference's three workers in JavaScript (peers/workerd: gateway -> auth ->
#                  application through service bindings, the token as a text binding)
#   jworkers dev   the examples (example-gateway, -auth, -application) under `jworkers dev`
#   jworkers serve the same three deployed to a `jworkers serve` state folder, the host restarted
# Each round starts the systems one after the other (start-up to the first 200 and RSS when ready,
# the others idle), warms each under load in 2 s steps (their req/s make the warm-up table: how
# soon each system reaches its speed), then measures wrk -t2 -c50 --latency (req/s, p50/p99/p99.9, server
# CPU per request) in SLICES turns per system (default 5), the systems in rotation, so that load
# from elsewhere on a shared machine falls on all of them alike; then one-connection latency
# (wrk -t1 -c1) and RSS after the load of each; then RPC ns/call (one request making N calls to a
# calc worker, client-timed with n=0 and n=N, since workerd stops the clock inside a request; dev
# and workerd only: serve runs the same call path as dev). See docs/PERFORMANCE.md ("Against
# workerd") for how the sides were made equivalent.
# Paced: wrk -c50 keeps every connection busy, so the host runs saturated and its tail is the
# queue's; a latency goal is about a load it carries. So each jworkers system is also loaded at
# about ten times workerd's req/s of the round (the throughput issue 16's tail goal names), every
# connection pausing 1 ms before each request (histogram.lua), and its latencies are read as
# recorded, without wrk's coordinated-omission correction (uncorrected.py).
#
#   benchmarks/run-peers.sh                  # 3 rounds; 16 s warm-up, 10 s measured
#   ROUNDS=1 DURATION=5s WARMUP=4s benchmarks/run-peers.sh
# The warm-up is long enough for the JVM's optimizing compiler to finish the request path: with wrk
# on the same 2 cores, C2 compiles for the first 6-8 s under load (docs/PERFORMANCE.md, "A seventh
# run"). Measuring earlier measures the compiler, not the steady state; the warm-up table shows it.
#   SLICES=1                                 # each system's measured time in one run, one system after the other
#   PACED=5s                                 # then each jworkers system for this long at about PACED_TIMES (10)
#                                            # times workerd's req/s of the round, below saturation ("paced"
#                                            # below); 0s: not. Without workerd in SYSTEMS: PACED_RPS req/s
#   SYSTEMS="workerd dev"                    # some systems only (workerd dev serve)
#   RPC_CALLS=1000000 RPC_CALLS_WORKERD=100000   # N per system (default 10^6 for both; at most 10^6, the
#                                            # largest limits.subrequests of a jworkers worker)
#   JVM_OPTS="-Xmx256m" ...                  # options for the jworkers JVMs (default: none, as a user runs it)
#   SKIP_BUILD=1 ...                         # use the jars as built
#   WORKERD_VERSION=1.20261117.1             # the npm version installed when missing
#
# Files: benchmarks/target/peers/ (wrk's output, the servers' logs, results.tsv).
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname -- "$here")
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
# shellcheck source=servers.sh
. "$here/servers.sh"

rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
warmup=${WARMUP:-16s}
warmup_step=2   # seconds per warm-up step
if ! [[ $warmup =~ ^[0-9]+s$ ]] || [ "${warmup%s}" -lt "$warmup_step" ]; then
  echo "WARMUP must be whole seconds, at least ${warmup_step}s (not $warmup)" >&2
  exit 1
fi
single=${SINGLE:-5s}
slices=${SLICES:-5}
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
paced=${PACED:-5s}
paced_times=${PACED_TIMES:-10}
if ! [[ $paced =~ ^[0-9]+s$ ]] || ! [[ $paced_times =~ ^[1-9][0-9]*$ ]] || ! [[ ${PACED_RPS:-0} =~ ^[0-9]+$ ]]; then
  echo "PACED must be whole seconds (e.g. 5s, 0s: not), PACED_TIMES and PACED_RPS whole numbers" \
    "(not $paced, $paced_times, ${PACED_RPS:-})" >&2
  exit 1
fi
rpc_calls=${RPC_CALLS:-1000000}
rpc_calls_workerd=${RPC_CALLS_WORKERD:-$rpc_calls}
base_port=${PORT:-18950}
token=let-me-in   # example-auth/.dev.vars
url_path=/notes
expected='{"notes":[]}'
workerd_version=${WORKERD_VERSION:-1.20261117.1}
workerd_home=${WORKERD_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/jworkers/workerd-$workerd_version}

if ! command -v wrk >/dev/null; then
  echo "Installing wrk (apt-get install wrk)..."
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
workerd=$workerd_home/node_modules/@cloudflare/workerd-linux-64/bin/workerd
if [ ! -x "$workerd" ]; then
  command -v npm >/dev/null || { echo "run-peers.sh needs npm to install workerd (apt-get install npm)" >&2; exit 1; }
  echo "Installing workerd $workerd_version from npm into $workerd_home..."
  mkdir -p "$workerd_home"
  npm install --prefix "$workerd_home" --no-audit --no-fund --silent "workerd@$workerd_version" >/dev/null
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "Building the host and the examples..."
  (cd "$root" && ./mvnw -q -B -DskipTests package -pl framework-runtime,example-gateway,example-auth,example-application -am)
fi

work=$here/target/peers
rm -rf "$work"
mkdir -p "$work"
# Every system has its own public port: a round runs them side by side.
port_rpc=$((base_port + 1)) port_admin=$((base_port + 2)) port_dev_admin=$((base_port + 3))
declare -A port_of=([workerd]=$base_port [dev]=$((base_port + 4)) [serve]=$((base_port + 5)))
port_chain=${port_of[workerd]}

# The workerd side: its config with the ports and the token filled in.
mkdir -p "$work/workerd"
cp "$here"/peers/workerd/*.js "$work/workerd/"
sed -e "s/@CHAIN_PORT@/$port_chain/" -e "s/@RPC_PORT@/$port_rpc/" -e "s/@TOKEN@/$token/" \
  "$here/peers/workerd/config.capnp.in" > "$work/workerd/config.capnp"

# The RPC pair on the jworkers side: rpcloop (public) calls calc over typed RPC.
for w in rpcloop calc; do
  mkdir -p "$work/$w/classes"
  "$JAVA_HOME/bin/javac" --release 21 -proc:none -d "$work/$w/classes" \
    -cp "$root/framework-api/target/classes" "$here"/src/main/workers/$w/bench/$w/*.java
done
cat > "$work/rpcloop/worker.jsonc" <<JSON
{ "name": "rpcloop", "classpath": ["classes"], "routes": ["/*"], "services": [{ "binding": "CALC", "service": "calc" }],
  "limits": { "subrequests": 1000000, "timeout_ms": 600000 } }
JSON
echo '{ "name": "calc", "classpath": ["classes"] }' > "$work/calc/worker.jsonc"


# A port must be free before a server starts: workerd keeps running when its port is taken.
free_port() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "Port $1 is taken by another process; set PORT to another base port" >&2
    exit 1
  fi
}

now_ns() { date +%s%N; }

# first_200 PORT START_NS PID: waits until GET /notes with the token answers the expected body; prints the ms since START_NS.
first_200() {
  local port=$1 started=$2 pid=$3 body
  for _ in $(seq 1 3000); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "The server on port $port stopped before it answered; logs in $work" >&2
      exit 1
    fi
    body=$(curl -s --max-time 2 -H "x-custom-token: $token" "http://127.0.0.1:$port$url_path" || true)
    if [ "$body" = "$expected" ]; then
      echo $(( ($(now_ns) - started) / 1000000 ))
      return 0
    fi
    sleep 0.005
  done
  echo "The server on port $port did not answer $expected within 30 s (it answered: $body); logs in $work" >&2
  exit 1
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
ticks_per_s=$(getconf CLK_TCK)

# rpc_ns PORT N: one request making N calls, timed by the client, minus the same request with n=0;
# the median of 3 of each after one warm-up request of each. Prints ns per call.
rpc_ns() {
  local port=$1 n=$2 t0 tn i times0=() timesn=()
  curl -s -o /dev/null "http://127.0.0.1:$port/rpc?n=0"
  curl -s -o /dev/null --max-time 600 "http://127.0.0.1:$port/rpc?n=$n"
  for i in 1 2 3; do
    times0+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/rpc?n=0")")
    timesn+=("$(curl -s -o "$work/rpc-body" -w '%{time_total}' --max-time 600 "http://127.0.0.1:$port/rpc?n=$n")")
  done
  local want=$(( n * (n + 1) / 2 ))
  if [ "$(cat "$work/rpc-body")" != "$want" ]; then
    echo "The RPC loop on port $port answered $(cat "$work/rpc-body"), not $want" >&2
    exit 1
  fi
  t0=$(printf '%s\n' "${times0[@]}" | sort -n | sed -n 2p)
  tn=$(printf '%s\n' "${timesn[@]}" | sort -n | sed -n 2p)
  awk -v a="$t0" -v b="$tn" -v n="$n" 'BEGIN { printf "%.1f", (b - a) * 1e9 / n }'
}

# jworkers runs as a user runs it: the ./jworkers launcher (its start-up caches: the AOT cache made
# below, on Java 25+), with JVM_OPTS as JWORKERS_JAVA_OPTS. The launcher execs java: the pid is the JVM's.
jworkers=(env JWORKERS_SKIP_BUILD=1 JWORKERS_JAVA_OPTS="${JVM_OPTS:-}" "$root/jworkers")

# up SYSTEM: starts the chain of a system on its port; sets server_pid.
up() {
  local port_chain=${port_of[$1]}
  free_port "$port_chain"
  case $1 in
    workerd)
      free_port "$port_rpc"
      start "$work/workerd.log" "$workerd" serve "$work/workerd/config.capnp" ;;
    dev)
      start "$work/dev.log" "${jworkers[@]}" dev --port "$port_chain" --admin-port "$port_dev_admin" \
        -c "$root/example-gateway/worker.jsonc" -c "$root/example-auth/worker.jsonc" -c "$root/example-application/worker.jsonc" ;;
    serve)
      start "$work/serve.log" "${jworkers[@]}" serve --state "$work/state" --ip 127.0.0.1 \
        --port "$port_chain" --admin-port "$port_admin" --token-file "$work/admin-token" ;;
  esac
  server_pid=${pids[${#pids[@]}-1]}
}

if [ "${JWORKERS_AOT:-on}" != off ]; then
  echo "Making the AOT caches the launcher uses (scripts/aot-cache.sh dev, then serve)..."
  "$root/scripts/aot-cache.sh" dev
  [[ " ${SYSTEMS:-workerd dev serve} " != *" serve "* ]] || "$root/scripts/aot-cache.sh" serve
fi

# The serve host's state: the three examples deployed once (auth with its secret); every round restarts it.
if [[ " ${SYSTEMS:-workerd dev serve} " == *" serve "* ]]; then
  echo "Deploying the examples to a serve state folder..."
  up serve
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_admin/" || true)" != 000 ] && break
    sleep 0.05
  done
  for w in auth application gateway; do
    extra=()
    [ "$w" = auth ] && extra=(--secrets-file "$root/example-auth/.dev.vars")
    "${jworkers[@]}" deploy -c "$root/example-$w/worker.jsonc" --host "http://127.0.0.1:$port_admin" \
      --token-file "$work/admin-token" ${extra[@]+"${extra[@]}"} > "$work/deploy-$w.log" 2>&1 \
      || { echo "Deploying $w failed: $(cat "$work/deploy-$w.log")" >&2; exit 1; }
  done
  first_200 "${port_of[serve]}" "$(now_ns)" "$server_pid" > /dev/null
  cleanup
fi

slice_s=$(slice_seconds "$duration" "$slices")

# measure_slice SLICE SYSTEM: one slice of a system's measured time, of the current round, with
# the server's CPU ticks during it.
measure_slice() {
  local out=$work/round$round-$2-slice$1-wrk.txt cpu_before cpu_after
  cpu_before=$(cpu_ticks "${pid_of[$2]}")
  wrk -t"$threads" -c"$connections" -d"${slice_s}s" --latency -s "$here/quantiles.lua" -H "x-custom-token: $token" \
    "http://127.0.0.1:${port_of[$2]}$url_path" > "$out"
  cpu_after=$(cpu_ticks "${pid_of[$2]}")
  printf '%s\t%s\t%s\t%s\n' "$round" "$2" "$out" $((cpu_after - cpu_before)) >> "$slice_rows"
}
# warm_up SYSTEM: WARMUP of load in steps of warmup_step seconds, each step's req/s a row of the
# warm-up table (round, system, the second its step ended, req/s).
warm_up() {
  local steps=$(( ${warmup%s} / warmup_step )) step out
  out=$work/round$round-$1-warmup.txt
  for step in $(seq 1 "$steps"); do
    wrk -t"$threads" -c"$connections" -d"${warmup_step}s" -H "x-custom-token: $token" \
      "http://127.0.0.1:${port_of[$1]}$url_path" > "$out"
    printf '%s\t%s\t%s\t%s\n' "$round" "$1" $((step * warmup_step)) \
      "$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out")" >> "$warmup_rows"
  done
}
read -r -a systems <<< "${SYSTEMS:-workerd dev serve}"
results=$work/results.tsv
: > "$results"
# One row per measured slice: round, system, wrk's output (its latency distribution: quantiles.lua), server CPU ticks.
slice_rows=$work/slices.tsv
: > "$slice_rows"
warmup_rows=$work/warmup.tsv
: > "$warmup_rows"
# One row per paced run: round, system, connections, wrk's output (histogram.lua).
paced_rows=$work/paced.tsv
: > "$paced_rows"

# paced_connections ROUND: how many connections, each pausing 1 ms before each request, offer about
# PACED_TIMES times workerd's req/s of the round (PACED_RPS without workerd; neither: prints 0). A
# connection's cycle is about 1.8 ms at such a load: wrk's timers fire on whole milliseconds after
# the pause, then the request (measured: 100 connections gave 55-60k req/s).
paced_connections() {
  python3 - "$here" "$slice_rows" "$1" "$paced_times" "${pid_of[workerd]:+workerd}" "${PACED_RPS:-0}" <<'PY'
import math, sys
sys.path.insert(0, sys.argv[1])
import latency
slices, round_, times, workerd, fixed = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
target = fixed
if workerd:
    runs = [latency.read(f[2]) for f in (l.rstrip("\n").split("\t") for l in open(slices)) if f[0] == round_ and f[1] == "workerd"]
    target = times * sum(r["requests"] for r in runs) / sum(r["seconds"] for r in runs)
print(max(2, math.ceil(target * 1.8 / 1000)) if target > 0 else 0)
PY
}
for round in $(seq 1 "$rounds"); do
  declare -A pid_of=() startup_of=() rss_ready_of=() load_of=()
  for s in "${systems[@]}"; do
    echo "Round $round/$rounds: starting $s (load average $(cut -d' ' -f1-3 /proc/loadavg))..."
    load_of[$s]=$(cut -d' ' -f1 /proc/loadavg)
    sync
    started=$(now_ns)
    up "$s"
    pid_of[$s]=$server_pid
    startup_of[$s]=$(first_200 "${port_of[$s]}" "$started" "$server_pid")
    rss_ready_of[$s]=$(rss_kb "$server_pid")
  done
  for s in "${systems[@]}"; do
    warm_up "$s"
  done
  echo "Round $round/$rounds: measuring ${systems[*]} in $slices turns of $slice_s s each..."
  in_turns "$slices" measure_slice "${systems[@]}"
  declare -A single_p50_of=() rss_after_of=() non2xx_of=()
  for s in "${systems[@]}"; do
    single_out=$work/round$round-$s-single.txt
    wrk -t1 -c1 -d"$single" --latency -H "x-custom-token: $token" "http://127.0.0.1:${port_of[$s]}$url_path" > "$single_out"
    single_p50_of[$s]=$(to_us "$(sed -n 's/^ *50% *\(.*\)$/\1/p' "$single_out")")
    rss_after_of[$s]=$(rss_kb "${pid_of[$s]}")
    non2xx_of[$s]=$(cat "$work/round$round-$s"-slice*-wrk.txt | sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' \
      | awk '{ n += $1 } END { print n + 0 }')
  done
  paced_c=0
  [ "$paced" = 0s ] || paced_c=$(paced_connections "$round")
  if [ "$paced_c" -gt 0 ]; then
    for s in "${systems[@]}"; do
      [ "$s" = workerd ] && continue
      echo "Round $round/$rounds: $s paced, $paced_c connections pausing 1 ms before each request, for $paced..."
      paced_out=$work/round$round-$s-paced.txt
      PAUSE_MS=1 wrk -t"$threads" -c"$paced_c" -d"$paced" -s "$here/histogram.lua" -H "x-custom-token: $token" \
        "http://127.0.0.1:${port_of[$s]}$url_path" > "$paced_out"
      printf '%s\t%s\t%s\t%s\n' "$round" "$s" "$paced_c" "$paced_out" >> "$paced_rows"
    done
  fi
  rpc_workerd=-
  if [ -n "${pid_of[workerd]:-}" ]; then
    rpc_workerd=$(rpc_ns "$port_rpc" "$rpc_calls_workerd")
  fi
  cleanup
  rpc_dev=-
  if [ -n "${pid_of[dev]:-}" ]; then
    free_port "${port_of[dev]}"
    start "$work/dev-rpc.log" "${jworkers[@]}" dev --port "${port_of[dev]}" --admin-port "$port_dev_admin" \
      -c "$work/rpcloop/worker.jsonc" -c "$work/calc/worker.jsonc"
    for _ in $(seq 1 3000); do
      [ "$(curl -s "http://127.0.0.1:${port_of[dev]}/rpc?n=1" || true)" = 1 ] && break
      kill -0 "${pids[${#pids[@]}-1]}" 2>/dev/null || { echo "The RPC host stopped; logs in $work/dev-rpc.log" >&2; exit 1; }
      sleep 0.01
    done
    rpc_dev=$(rpc_ns "${port_of[dev]}" "$rpc_calls")
    cleanup
  fi
  for s in "${systems[@]}"; do
    rpc=-
    [ "$s" = workerd ] && rpc=$rpc_workerd
    [ "$s" = dev ] && rpc=$rpc_dev
    # round, system, one-connection p50 µs, RSS ready KiB, RSS after KiB, start-up ms, RPC ns/call, non-2xx, load at its start.
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$s" "${single_p50_of[$s]}" "${rss_ready_of[$s]}" \
      "${rss_after_of[$s]}" "${startup_of[$s]}" "$rpc" "${non2xx_of[$s]}" "${load_of[$s]}" >> "$results"
  done
done

python3 "$here/peers-table.py" "$results" "$slice_rows" "$ticks_per_s" "$connections" "$threads" "$duration" "$slices" \
  "$rpc_calls" "$rpc_calls_workerd" "$warmup_rows" "$paced_rows"
echo
echo "wrk's output and the servers' logs are in $work"
