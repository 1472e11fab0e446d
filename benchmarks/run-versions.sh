#!/usr/bin/env bash
# The cost of version choice over HTTP (gradual deployments), measured in one run on two
# `jworkers serve` hosts (folder state) serving the same two workers:
#   vfront  public (route /*), one fetch through its binding BACK, answers "front@N back@M"
#   vback   private (no routes), answers "back@M"
# (sources: src/main/workers/vfront, vback). Both hosts get version 1 of each worker (deploy) and
# version 2 (versions upload: the same classes, a var changed); then on the "split" host both
# workers are split with `jworkers versions deploy NAME 2@10 1@90`, while the "single" host keeps
# version 1 at 100 %. Requests carry no version key, so each one's bucket comes from its random
# request id: about 10 % reach version 2 of both workers.
#   throughput  ROUNDS rounds of wrk on each host, alternating the order (single, split; split,
#               single; ...); the ratio split/single per round and its median
#   change      on the split host under wrk load: versions deploy 2@50 1@50 of both workers, then
#               2@100 (the split ends, version 1 drains and closes); wrk's non-2xx and socket errors
#
#   benchmarks/run-versions.sh                       # about 4-5 minutes on 2 cores
#   ROUNDS=3 DURATION=10s WARMUP=10s CONNECTIONS=50 THREADS=2
#   CHANGE_LEAD=2 CHANGE_TAIL=2 CHANGE_LIMIT=120s    # change: seconds of load before/after the changes, wrk's bound
#   PORT=18990                                       # first of the ports used (4: two hosts, public and admin)
#   HOST_OPTS="-Xmx512m"                             # extra JVM options of both hosts
#   SKIP_BUILD=1 ...                                 # use the host jar as built
#
# Deploys go through the launcher (./jworkers with JWORKERS_SKIP_BUILD=1), as a user runs them.
# Prints Markdown tables (also in benchmarks/target/versions/RESULTS.md); hosts' logs, wrk's
# output and the raw results are in benchmarks/target/versions/.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname -- "$here")
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
# shellcheck source=servers.sh
. "$here/servers.sh"

rounds=${ROUNDS:-3}
duration=${DURATION:-10s}
warmup=${WARMUP:-10s}
connections=${CONNECTIONS:-50}
threads=${THREADS:-2}
change_lead=${CHANGE_LEAD:-2}     # seconds of load before the first change, and after each
change_tail=${CHANGE_TAIL:-2}
change_limit=${CHANGE_LIMIT:-120s}
base_port=${PORT:-18990}
newer_percent=10   # the split measured: 2@10 1@90

for w in wrk curl python3; do
  command -v "$w" >/dev/null || { echo "run-versions.sh needs $w" >&2; exit 1; }
done
if [ "${SKIP_BUILD:-}" != 1 ] || [ ! -f "$root/framework-runtime/target/jworkers.jar" ]; then
  echo "Building the host..."
  (cd "$root" && ./mvnw -q -B -DskipTests package -pl framework-runtime -am)
fi
jar=$root/framework-runtime/target/jworkers.jar
java=$JAVA_HOME/bin/java
export JWORKERS_SKIP_BUILD=1
jworkers=$root/jworkers

out=$here/target/versions
rm -rf "$out"
mkdir -p "$out"
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$out/token"
chmod 600 "$out/token"

# The workers: compiled once; a config per worker and version (version 2: a var changed, so a new bundle).
for w in vfront vback; do
  mkdir -p "$out/$w/classes"
  "$JAVA_HOME/bin/javac" --release 21 -proc:none -d "$out/$w/classes" \
    -cp "$root/framework-api/target/classes" "$here"/src/main/workers/$w/bench/$w/*.java
  for v in 1 2; do
    mkdir -p "$out/$w/v$v"
    if [ "$w" = vfront ]; then
      extra=', "routes": ["/*"], "services": [{ "binding": "BACK", "service": "vback" }]'
    else
      extra=''
    fi
    printf '{ "name": "%s", "classpath": ["%s"]%s, "vars": { "BUILD": "%s" } }\n' \
      "$w" "$out/$w/classes" "$extra" "$v" > "$out/$w/v$v/worker.jsonc"
  done
done

# host NAME PUBLIC ADMIN: starts `java -jar jworkers.jar serve --state` as a production host, its
# output to NAME.log; waits until /readyz answers 200.
host() {
  local name=$1 public=$2 admin=$3 pid
  # shellcheck disable=SC2086
  "$java" ${HOST_OPTS:-} -jar "$jar" serve --state "$out/$name-state" --token-file "$out/token" \
    --ip 127.0.0.1 --port "$public" --admin-port "$admin" > "$out/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin/readyz")" = 200 ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "Host $name did not get ready on admin port $admin; its log ($out/$name.log):" >&2
  tail -n 30 "$out/$name.log" >&2
  exit 1
}

# cli ADMIN ARGS...: the jworkers command through the launcher, its output to cli.log.
cli() {
  local admin=$1
  shift
  echo "\$ jworkers $*" >> "$out/cli.log"
  if ! "$jworkers" "$@" --host "http://127.0.0.1:$admin" --token-file "$out/token" >> "$out/cli.log" 2>&1; then
    echo "jworkers $* through admin port $admin failed; the end of $out/cli.log:" >&2
    tail -n 20 "$out/cli.log" >&2
    exit 1
  fi
}

# body PORT [HEADER]: GET / on a host.
body() {
  if [ $# -gt 1 ]; then curl -s -H "$2" "http://127.0.0.1:$1/"; else curl -s "http://127.0.0.1:$1/"; fi
}

# expect PORT BODY [HEADER]: the host answers exactly BODY.
expect() {
  local got
  got=$(body "$1" ${3:+"$3"} | tr -d '\r')
  [ "$got" = "$2" ] || { echo "The host on port $1 answered '$got', not '$2' ${3:+(with $3)}" >&2; exit 1; }
}

# wrk_row FILE ROUND VARIANT: one row of results.tsv from wrk's output.
wrk_row() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1")" \
    "$(to_us "$(sed -n 's/^ *50% *\(.*\)$/\1/p' "$1")")" "$(to_us "$(sed -n 's/^ *99% *\(.*\)$/\1/p' "$1")")" \
    "$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1" | grep . || echo 0)" \
    "$(sed -n 's/^ *Socket errors: *\(.*\)$/\1/p' "$1" | grep . || echo none)"
}

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); CPU: $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)," \
    "$(nproc) cores; JDK: $("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p');" \
    "wrk: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.txt"

"$jworkers" --version > /dev/null   # the launcher's class-data-sharing archive, before anything is timed

single_public=$((base_port)) single_admin=$((base_port + 1))
split_public=$((base_port + 2)) split_admin=$((base_port + 3))
echo "Starting two hosts (single: $single_public, split: $split_public) and deploying..."
host single "$single_public" "$single_admin"
host split "$split_public" "$split_admin"
for admin in "$single_admin" "$split_admin"; do
  cli "$admin" deploy -c "$out/vback/v1/worker.jsonc"
  cli "$admin" deploy -c "$out/vfront/v1/worker.jsonc"
  cli "$admin" versions upload -c "$out/vback/v2/worker.jsonc"
  cli "$admin" versions upload -c "$out/vfront/v2/worker.jsonc"
done
cli "$split_admin" versions deploy vback "2@$newer_percent" "1@$((100 - newer_percent))"
cli "$split_admin" versions deploy vfront "2@$newer_percent" "1@$((100 - newer_percent))"

# Both hosts answer; the split host sends a key to the same version of both workers, and an
# override pins a version for the whole request.
expect "$single_public" "front@1 back@1"
expect "$split_public" "front@2 back@2" "x-jworkers-version-overrides: vfront=2, vback=2"
expect "$split_public" "front@1 back@1" "x-jworkers-version-overrides: vfront=1, vback=1"
newer=0 mixed=0 keys=200
for i in $(seq 1 "$keys"); do
  b=$(body "$split_public" "x-jworkers-version-key: user-$i")
  case $b in
    "front@2 back@2") newer=$((newer + 1)) ;;
    "front@1 back@1") ;;
    *) mixed=$((mixed + 1)); echo "key user-$i: $b" >> "$out/mixed.txt" ;;
  esac
done
printf 'keys\t%s\t%s\t%s\n' "$keys" "$newer" "$mixed" > "$out/keys.tsv"
echo "  $newer of $keys version keys reach version 2 of both workers, $mixed a mix (expected: about $newer_percent %, none)"
[ "$mixed" = 0 ] || { echo "Keys reached different versions of the two workers: $out/mixed.txt" >&2; exit 1; }

echo "Warming up both hosts ($warmup each)..."
for p in "$single_public" "$split_public"; do
  wrk -t"$threads" -c"$connections" -d"$warmup" "http://127.0.0.1:$p/" > "$out/warmup-$p.txt"
done

results=$out/results.tsv
: > "$results"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="single split"; else order="split single"; fi
  for t in $order; do
    if [ "$t" = single ]; then p=$single_public; else p=$split_public; fi
    echo "  round $r/$rounds, $t..."
    w=$out/round$r-$t.txt
    wrk -t"$threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$p/" > "$w"
    wrk_row "$w" "$r" "$t" >> "$results"
  done
done

# A split changed under load: 2@50 1@50 for both workers, then 2@100 (version 1 drains and
# closes). wrk runs from before the first change until CHANGE_TAIL after the last, then is stopped
# with SIGINT (it prints its statistics then); CHANGE_LIMIT bounds it if a command hangs.
echo "Changing the split under load (wrk on the split host from $change_lead s before the first change to $change_tail s after the last)..."
w=$out/change-wrk.txt
wrk -t"$threads" -c"$connections" -d"$change_limit" --latency "http://127.0.0.1:$split_public/" > "$w" &
wrk_pid=$!
wrk_start=$(date +%s%N)
: > "$out/change.tsv"
step() {
  local start end
  start=$(date +%s%N)
  cli "$split_admin" versions deploy "$@"
  end=$(date +%s%N)
  printf 'step\t%s\t%s\n' "$*" "$(( (end - start) / 1000000 ))" >> "$out/change.tsv"
}
sleep "$change_lead"
change_start=$(date -u +%Y-%m-%dT%H:%M:%S.%3N)
step vback 2@50 1@50
step vfront 2@50 1@50
sleep "$change_tail"
step vback 2@100
step vfront 2@100
change_end=$(date -u +%Y-%m-%dT%H:%M:%S.%3N)
sleep "$change_tail"
kill -INT "$wrk_pid" 2>/dev/null || echo "wrk ended before the last change (CHANGE_LIMIT $change_limit): see $w" >&2
wait "$wrk_pid" || true
printf 'window\t%s\n' "$(( ($(date +%s%N) - wrk_start) / 1000000 ))" >> "$out/change.tsv"
# The split host's access lines name the versions each request reached (workers=vfront@1:..>vback@1:..).
# Before the first change and at 2@10 1@90 a request reaches the same version of both workers; the
# workers change one after the other, so between the two commands of a step a chain can mix them;
# after vfront's 2@100 is live, no request reaches a version 1. Phases by the access line's time
# (ISO 8601 UTC, milliseconds, compared as text) against the first command's start and the last one's return.
awk -v first="$change_start" -v last="$change_end" '
  / ingress GET / && /workers=/ {
    t = $1; sub(/Z$/, "", t); if (t !~ /\./) t = t ".000"   # the log writes 05:25:05Z for 05:25:05.000Z
    phase = t < first ? 0 : t <= last ? 1 : 2
    split($0, parts, "workers="); w = parts[2]
    f = (w ~ /vfront@2/) ? 2 : 1; b = (w ~ /vback@2/) ? 2 : 1
    n[phase]++; if (f != b) mixed[phase]++; if (phase == 2 && (f == 1 || b == 1)) old++
  }
  END { printf "access\t%d\t%d\t%d\t%d\t%d\t%d\n", n[0], mixed[0], n[1], mixed[1], n[2], old }
' "$out/split.log" >> "$out/change.tsv"
wrk_row "$w" change split >> "$out/change.tsv"
expect "$split_public" "front@2 back@2"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

{
  echo "## Version choice over HTTP (benchmarks/run-versions.sh)"
  echo
  sed 's/$/  /' "$out/machine.txt"
  echo
  python3 "$here/versions-table.py" "$out" "$connections" "$threads" "$duration"
} | tee "$out/RESULTS.md"
echo "Hosts' logs, wrk's output and the raw results are in $out"
