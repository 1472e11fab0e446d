#!/usr/bin/env bash
# Many hosts on one PostgreSQL store (issue 13), measured in one run against a real PostgreSQL
# server started here (the machine's /usr/lib/postgresql/*/bin, as the tests use it):
#   converge  3 hosts on one store; DEPLOYS deploys of a small worker (a var changed each time)
#             spread over the three; for each, the time from the deploy command's return (and from
#             its start) until GET /v1/hosts shows every host with appliedRevision == revision
#   deploy    `jworkers deploy` of a worker with a BIG_MIB MiB jar of random bytes to a store host
#             and to a folder host (--state), ROUNDS rounds of three cases: the same jar with a var
#             changed (a new bundle), a new random jar, the identical bundle again (hash known)
#   heap      a host at -Xmx256m (HEAP_XMX) taking a HEAP_MIB MiB bundle, store and folder: the
#             deploy succeeds and jstat shows the heap's peak (the bundle is streamed, never held)
#   rps       one store host against one folder host serving the example chain (gateway -> auth ->
#             application), wrk rounds alternating between them; the ratio store/folder
#
#   benchmarks/run-cluster.sh                      # everything, about 10 minutes on 2 cores
#   PARTS="converge rps" benchmarks/run-cluster.sh # some parts only
#   DEPLOYS=20 WARMUP_DEPLOYS=3 POLL_MS=5          # convergence: measured deploys, unmeasured ones first, poll period
#   ROUNDS=3 BIG_MIB=100                           # 100 MiB deploy: rounds per case, jar size
#   HEAP_MIB=511 HEAP_XMX=256m                     # heap: the jar's size (the upload limit is 512 MiB), the host's -Xmx
#   RPS_ROUNDS=6 DURATION=10s WARMUP=10s CONNECTIONS=50 THREADS=2   # rounds alternate store/folder, folder/store
#   PORT=18960                                     # first of the ports used (PostgreSQL; hosts above it)
#   PG_BIN=/usr/lib/postgresql/15/bin PG_OPTS="-c fsync=off"   # the server and extra settings (default: PostgreSQL's own, fsync on)
#   HOST_OPTS="-XX:StartFlightRecording=filename=/tmp/host-%p.jfr"   # extra JVM options of every host
#   SKIP_BUILD=1 ...                               # use the jar and the examples' classes as built
#
# Files: benchmarks/target/cluster/ (hosts' and PostgreSQL's logs, raw results, RESULTS.md). The
# PostgreSQL data, caches, state folders and jars live in a temp folder removed at exit.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname -- "$here")
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"

parts=${PARTS:-converge deploy heap rps}
deploys=${DEPLOYS:-20}
warmup_deploys=${WARMUP_DEPLOYS:-3}
poll_ms=${POLL_MS:-5}
rounds=${ROUNDS:-3}
big_mib=${BIG_MIB:-100}
heap_mib=${HEAP_MIB:-511}
heap_xmx=${HEAP_XMX:-256m}
rps_rounds=${RPS_ROUNDS:-6}
duration=${DURATION:-10s}
warmup=${WARMUP:-10s}
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
next_port=${PORT:-18960}
token_header="x-custom-token: let-me-in"   # example-auth/.dev.vars
expected='{"notes":[]}'

jar=$root/framework-runtime/target/jworkers.jar
app_classes=$root/example-application/target/classes
java=$JAVA_HOME/bin/java
helper=$here/cluster-bench.py
# Deploys go through the launcher, as a user runs them (its class-data-sharing archive included).
export JWORKERS_SKIP_BUILD=1
jworkers=$root/jworkers

if [ "${SKIP_BUILD:-}" = 1 ] && [ -f "$jar" ] && [ -d "$app_classes" ] && [ -d "$root/example-auth/target/classes" ] \
    && [ -d "$root/example-gateway/target/classes" ]; then
  :
else
  echo "Building the host and the examples..."
  (cd "$root" && ./mvnw -q -B -DskipTests package \
    -pl annotation-processor,framework-runtime,example-gateway,example-auth,example-application -am)
fi

for w in wrk curl python3; do
  command -v "$w" >/dev/null || { echo "run-cluster.sh needs $w" >&2; exit 1; }
done
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/postgres" ]; then
  echo "No PostgreSQL server programs in '${pg_bin}' (set PG_BIN; Debian: apt-get install postgresql)" >&2
  exit 1
fi

out=$here/target/cluster
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d /tmp/jworkers-cluster.XXXXXX)
chmod 755 "$tmp"   # PostgreSQL's user must reach its data folder inside

pg_pid=
host_pids=()
other_pids=()
stop_hosts() {
  local pid
  for pid in ${host_pids[@]+"${host_pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${host_pids[@]+"${host_pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
  host_pids=()
}
cleanup() {
  local pid
  for pid in ${other_pids[@]+"${other_pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  stop_hosts
  if [ -n "$pg_pid" ]; then
    kill -INT "$pg_pid" 2>/dev/null || true   # PostgreSQL's fast shutdown
    wait "$pg_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# take_port VAR...: sets each VAR to the next port from PORT up (not checked: a port in use makes
# that host fail to start, with its log). Not in a subshell, so that the count goes on.
take_port() {
  local v
  for v in "$@"; do next_port=$((next_port + 1)); printf -v "$v" '%s' "$next_port"; done
}

# ---------------------------------------------------------------- PostgreSQL
# PostgreSQL refuses to run as root: then it runs as the postgres user, on a folder it owns.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  for p in /usr/bin/setpriv /bin/setpriv; do
    [ -x "$p" ] && { as_pg=("$p" --reuid=postgres --regid=postgres --init-groups --); break; }
  done
  [ ${#as_pg[@]} -gt 0 ] || as_pg=(runuser -u postgres --)
fi
pg_port=$next_port
mkdir "$tmp/pg"
[ ${#as_pg[@]} -eq 0 ] || chown postgres:postgres "$tmp/pg"
echo "Starting PostgreSQL ($("$pg_bin/postgres" --version)) on 127.0.0.1:$pg_port..."
"${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg/data" -U postgres -A trust -E UTF8 --locale=C -N > "$out/initdb.log" 2>&1
# shellcheck disable=SC2086
"${as_pg[@]}" "$pg_bin/postgres" -D "$tmp/pg/data" -c listen_addresses=127.0.0.1 -p "$pg_port" -k "$tmp/pg/data" \
  ${PG_OPTS:-} > "$out/postgres.log" 2>&1 &
pg_pid=$!
for _ in $(seq 1 300); do
  "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break
  sleep 0.1
done
if ! "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then
  echo "PostgreSQL did not start on port $pg_port; its log ($out/postgres.log):" >&2
  tail -n 20 "$out/postgres.log" >&2
  exit 1
fi
psql=("$pg_bin/psql" -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres)
"${psql[@]}" -c "create role jworkers login"
for db in converge deploy heap rps; do "${psql[@]}" -c "create database $db owner jworkers"; done

# Shared by every host: the admin token, the key that seals secrets in the store. Trust auth on
# 127.0.0.1 asks for no password; the hosts get one anyway, as they would in production.
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$tmp/token"
head -c 32 /dev/urandom | base64 > "$tmp/secret-key"
chmod 600 "$tmp/token" "$tmp/secret-key"
export PGPASSWORD=benchmark

# ---------------------------------------------------------------- hosts
# host NAME XMX|- DB|--state PUBLIC ADMIN: starts `java -jar jworkers.jar serve` as a production
# host, on a store database (a cache folder of its own) or on a state folder; waits until /readyz.
# With an XMX, the host also logs its collections (-Xlog:gc) to NAME-gc.log. Sets host_pid.
host() {
  local name=$1 xmx=$2 db=$3 public=$4 admin=$5 opts=()
  [ "$xmx" = - ] || opts+=("-Xmx$xmx" "-Xlog:gc:file=$out/$name-gc.log")
  if [ "$db" = --state ]; then
    set -- serve --state "$tmp/$name-state"
  else
    set -- serve --store "postgresql://jworkers@127.0.0.1:$pg_port/$db" --secret-key-file "$tmp/secret-key" \
      --cache "$tmp/$name-cache"
  fi
  # shellcheck disable=SC2086
  "$java" ${HOST_OPTS:-} ${opts[@]+"${opts[@]}"} -jar "$jar" "$@" --token-file "$tmp/token" --ip 127.0.0.1 --port "$public" \
    --admin-port "$admin" > "$out/$name.log" 2>&1 &
  host_pid=$!
  host_pids+=("$host_pid")
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin/readyz")" = 200 ] && return 0
    kill -0 "$host_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "Host $name did not get ready on admin port $admin; its log ($out/$name.log):" >&2
  tail -n 30 "$out/$name.log" >&2
  exit 1
}

# deploy ADMIN_PORT ARGS...: jworkers deploy through the launcher, its output to deploys.log.
deploy() {
  local admin=$1
  shift
  if ! "$jworkers" deploy --host "http://127.0.0.1:$admin" --token-file "$tmp/token" "$@" >> "$out/deploys.log" 2>&1; then
    echo "jworkers deploy $* through admin port $admin failed; the end of $out/deploys.log:" >&2
    tail -n 20 "$out/deploys.log" >&2
    exit 1
  fi
}

# small_config DIR N: a worker "warmup" (the example application's classes), so that a host has
# run the deploy path once before anything is timed.
small_config() {
  mkdir -p "$1"
  printf '{ "name": "warmup", "classpath": ["%s"], "vars": { "N": "%s" } }\n' "$app_classes" "$2" > "$1/worker.jsonc"
}

# big_config DIR ROUND: the worker "big": the example application's classes and DIR/big.jar.
big_config() {
  printf '{ "name": "big", "classpath": ["%s", "big.jar"], "vars": { "ROUND": "%s" } }\n' "$app_classes" "$2" \
    > "$1/worker.jsonc"
}

echo "Warming up the launcher's class-data-sharing archive..."
"$jworkers" --version > /dev/null
"$jworkers" --version > /dev/null

machine() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)," \
    "$(nproc) cores; memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "JDK: $("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p');" \
    "PostgreSQL $("$pg_bin/postgres" --version | sed 's/^postgres (PostgreSQL) //')${PG_OPTS:+ ($PG_OPTS)}; wrk: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2);" \
    "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
}
{ machine; echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$out/machine.txt"

# ---------------------------------------------------------------- 1. convergence
if [[ " $parts " == *" converge "* ]]; then
  echo "Convergence: 3 hosts on one store, $warmup_deploys + $deploys deploys..."
  admins=()
  for i in 1 2 3; do
    take_port public admin
    host "converge$i" - converge "$public" "$admin"
    admins+=("http://127.0.0.1:$admin")
  done
  mkdir -p "$tmp/converge"
  python3 "$helper" converge "$out/converge.tsv" "$tmp/converge" "$app_classes" "$jworkers" "$tmp/token" \
    "$deploys" "$warmup_deploys" "$poll_ms" "${admins[@]}" 2>> "$out/deploys.log"
  stop_hosts
fi

# ---------------------------------------------------------------- 2. deploy time of a big bundle
if [[ " $parts " == *" deploy "* ]]; then
  echo "Deploy of a worker with a $big_mib MiB jar: a store host and a folder host, $rounds rounds of 3 cases..."
  take_port s_public s_admin f_public f_admin
  host deploy-store - deploy "$s_public" "$s_admin"
  host deploy-folder - --state "$f_public" "$f_admin"
  small_config "$tmp/warmup" 1
  deploy "$s_admin" -c "$tmp/warmup/worker.jsonc"
  deploy "$f_admin" -c "$tmp/warmup/worker.jsonc"
  big=$tmp/big
  mkdir -p "$big"
  python3 "$helper" randjar "$big/big.jar" "$big_mib"
  n=0
  for r in $(seq 1 "$rounds"); do
    # Alternate which host goes first, so that neither always follows the other's disk writes.
    if [ $((r % 2)) = 1 ]; then order="store folder"; else order="folder store"; fi
    for c in var jar same; do
      case $c in
        var) n=$((n + 1)); big_config "$big" "$n" ;;   # a new bundle: the same jar, another var
        jar) python3 "$helper" randjar "$big/big.jar" "$big_mib" ;;   # a new bundle: new random bytes
        same) ;;   # the bundle both hosts just took, again: its hash is stored already
      esac
      for t in $order; do
        if [ "$t" = store ]; then a=$s_admin; else a=$f_admin; fi
        echo "  round $r/$rounds, $c, $t..."
        python3 "$helper" timed "$out/deploy.tsv" "$c" "$t" "$r" "$big_mib" -- \
          "$jworkers" deploy -c "$big/worker.jsonc" --host "http://127.0.0.1:$a" --token-file "$tmp/token" \
          --message "round $r $c" 2>> "$out/deploys.log" || echo "  (failed: see $out/deploys.log)"
      done
    done
  done
  stop_hosts
  rm -rf "$big" "$tmp/deploy-store-cache" "$tmp/deploy-folder-state"
fi

# ---------------------------------------------------------------- 3. heap during a huge deploy
if [[ " $parts " == *" heap "* ]]; then
  echo "Heap: a host at -Xmx$heap_xmx taking a $heap_mib MiB bundle, store then folder..."
  huge=$tmp/huge
  mkdir -p "$huge"
  python3 "$helper" randjar "$huge/big.jar" "$heap_mib"
  big_config "$huge" 1
  small_config "$tmp/warmup" 2
  for t in store folder; do
    take_port public admin
    if [ "$t" = store ]; then host heap-store "$heap_xmx" heap "$public" "$admin"
    else host heap-folder "$heap_xmx" --state "$public" "$admin"; fi
    deploy "$admin" -c "$tmp/warmup/worker.jsonc"
    gc_skip=$(wc -l < "$out/heap-$t-gc.log")
    samples=$out/heap-$t.jstat
    : > "$samples"
    "$JAVA_HOME/bin/jstat" -gc "$host_pid" 100 > "$samples" 2>&1 &
    jstat_pid=$!
    other_pids+=("$jstat_pid")
    for _ in $(seq 1 100); do [ "$(wc -l < "$samples")" -ge 2 ] && break; sleep 0.1; done
    rc=0
    python3 "$helper" timed "$out/heap-deploy.tsv" "$t" -- "$jworkers" deploy -c "$huge/worker.jsonc" \
      --host "http://127.0.0.1:$admin" --token-file "$tmp/token" 2>> "$out/deploys.log" || rc=$?
    sleep 0.5   # a few samples after the answer: the host has finished with the bundle
    kill "$jstat_pid" 2>/dev/null || true
    wait "$jstat_pid" 2>/dev/null || true
    other_pids=()
    # The process's peak resident memory; "?" if the host is gone (then the deploy failed too).
    rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$host_pid/status" 2>/dev/null || echo '?')
    peaks=$(python3 "$helper" jstat "$samples")   # used old committed samples first
    took=$(tail -n 1 "$out/heap-deploy.tsv" | cut -f2)
    IFS=$'\t' read -r p_used p_old p_committed n_samples first_used <<< "$peaks"
    IFS=$'\t' read -r gc_after gc_count gc_full <<< "$(python3 "$helper" gclog "$out/heap-$t-gc.log" "$gc_skip")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$heap_mib" "$heap_xmx" "$rc" "$took" \
      "$p_used" "$p_old" "$p_committed" "$first_used" "$n_samples" "$rss" "$gc_after" "$gc_count" "$gc_full" >> "$out/heap.tsv"
    echo "  $t: exit $rc in $took s, peak heap used $p_used MiB (old gen $p_old MiB), at most $gc_after MiB after a GC"
    stop_hosts
  done
  rm -rf "$huge" "$tmp"/heap-*
fi

# ---------------------------------------------------------------- 4. throughput
# wrk's latency ("1.23ms", "850.00us", "1.02s") in microseconds.
to_us() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000;
    else if (v ~ /s$/) print n * 1000000; else print n }'
}
if [[ " $parts " == *" rps "* ]]; then
  echo "Throughput: one store host and one folder host, the example chain, $rps_rounds rounds..."
  take_port s_public s_admin f_public f_admin
  host rps-store - rps "$s_public" "$s_admin"
  host rps-folder - --state "$f_public" "$f_admin"
  for a in "$s_admin" "$f_admin"; do
    deploy "$a" -c "$root/example-auth/worker.jsonc" --secrets-file "$root/example-auth/.dev.vars"
    deploy "$a" -c "$root/example-application/worker.jsonc"
    deploy "$a" -c "$root/example-gateway/worker.jsonc"
  done
  for p in "$s_public" "$f_public"; do
    body=$(curl -s -H "$token_header" "http://127.0.0.1:$p/notes")
    [ "$body" = "$expected" ] || { echo "The host on port $p answered '$body', not $expected" >&2; exit 1; }
    wrk -t"$threads" -c"$connections" -d"$warmup" -H "$token_header" "http://127.0.0.1:$p/notes" > /dev/null
  done
  for r in $(seq 1 "$rps_rounds"); do
    if [ $((r % 2)) = 1 ]; then order="store folder"; else order="folder store"; fi
    for t in $order; do
      if [ "$t" = store ]; then p=$s_public; else p=$f_public; fi
      echo "  round $r/$rps_rounds, $t..."
      w=$out/rps-$r-$t.txt
      wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "$token_header" "http://127.0.0.1:$p/notes" > "$w"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$w")" \
        "$(to_us "$(sed -n 's/^ *50% *\(.*\)$/\1/p' "$w")")" "$(to_us "$(sed -n 's/^ *99% *\(.*\)$/\1/p' "$w")")" \
        "$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$w" | grep . || echo 0)" \
        "$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$w" | grep . || echo none)" >> "$out/rps.tsv"
    done
  done
  stop_hosts
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
{
  echo "## Many hosts on one store (benchmarks/run-cluster.sh)"
  echo
  sed 's/$/  /' "$out/machine.txt"
  echo
  python3 "$helper" table "$out"
} | tee "$out/RESULTS.md"
echo "Hosts' logs, PostgreSQL's log and the raw results are in $out"
