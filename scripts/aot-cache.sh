#!/usr/bin/env bash
# Makes the JDK's ahead-of-time cache of the host (JDK 25+: JEP 483 classes loaded and linked,
# JEP 514 one-step creation, JEP 515 method profiles) from a training run of one command:
#   dev    target/jworkers.aot: `jworkers dev` with the three examples on free ports;
#   serve  target/jworkers-serve.aot: `jworkers serve` restarted on a state folder where the three
#          examples were deployed (by a serve run before it, not recorded: a restart loads
#          deployments, it does not receive them).
# Either way a few hundred requests (allowed, refused, a POST), then SIGTERM, at which the JVM
# writes the cache (10-40 s on 2 cores). A cache holds the classes its command used, and the JVM
# loads every one of them at start, so each command has its own: dev's makes serve load classes it
# never uses and read serve's own from the jar (1.24-1.43 s against 1.06-1.29 s to the first 200,
# docs/PERFORMANCE.md). A JVM started with -XX:AOTCache=... starts in about half the time of one
# with the dynamic CDS archive (docs/PERFORMANCE.md, "Start-up against workerd").
#
# ./jworkers runs this in the background (niced) for dev or serve when the jar is newer than that
# command's cache; by hand:
#   scripts/aot-cache.sh [dev|serve]    # default dev; prints where the cache is, or why it made none
# Environment: JWORKERS_JAVA_OPTS as for ./jworkers (the cache is made with the same options,
# scripts/jvm-defaults.sh included).
set -euo pipefail

home=$(CDPATH='' cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=find-jdk.sh
. "$home/scripts/find-jdk.sh"
jar=$home/framework-runtime/target/jworkers.jar
command=${1:-dev}
case $command in
  dev) out=$home/target/jworkers.aot ;;
  serve) out=$home/target/jworkers-serve.aot ;;
  *) echo "aot-cache: usage: scripts/aot-cache.sh [dev|serve], not \"$command\"" >&2; exit 2 ;;
esac
if [ "${jw_jdk_major:-0}" -lt 25 ]; then
  echo "aot-cache: $JAVA_HOME is Java ${jw_jdk_major:-?}; the ahead-of-time cache needs Java 25+ (jworkers keeps its CDS archive)"
  exit 0
fi
for w in gateway auth application; do
  [ -d "$home/example-$w/target/classes" ] || { echo "aot-cache: build the examples first (./mvnw -DskipTests package)" >&2; exit 1; }
done
mkdir -p "$home/target"
# One training run at a time per cache; a stale lock (its run was killed) is older than ten minutes.
lock=$home/target/.jworkers-aot-$command.lock
if ! mkdir "$lock" 2>/dev/null; then
  if [ -n "$(find "$lock" -maxdepth 0 -mmin +10 2>/dev/null)" ]; then
    rm -rf "$lock" && mkdir "$lock"
  else
    echo "aot-cache: another training run is making $out"
    exit 0
  fi
fi
work=$(mktemp -d "$home/target/.jworkers-aot.XXXXXX")
pid=
finish() {
  [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
  rm -rf "$work" "$lock"
}
trap finish EXIT

# shellcheck source=jvm-defaults.sh
. "$home/scripts/jvm-defaults.sh"

# host LOG [JVM options...] -- ARGS...: starts the host in the background (sets pid), waits for
# its first line naming its public URL (sets url) and, for serve, its admin API (sets admin).
host() {
  local log=$1 line
  shift
  local -a jvm=()
  while [ "$1" != -- ]; do jvm+=("$1"); shift; done
  shift
  set -f
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" ${jvm[@]+"${jvm[@]}"} ${jw_jvm_defaults[@]+"${jw_jvm_defaults[@]}"} ${JWORKERS_JAVA_OPTS:-} \
    -jar "$jar" "$@" > "$log" 2>&1 &
  pid=$!
  set +f
  url= admin=
  for _ in $(seq 1 600); do
    line=$(grep -m1 -E '^(Ready|Serving) on http://127\.0\.0\.1:[0-9]+' "$log" || true)
    if [ -n "$line" ]; then
      url=$(sed -E 's|^[A-Za-z]+ on (http://127\.0\.0\.1:[0-9]+).*|\1|' <<< "$line")
      admin=$(sed -nE 's|.*admin API on (http://127\.0\.0\.1:[0-9]+).*|\1|p' <<< "$line")
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "aot-cache: the $command host did not start:" >&2
  cat "$log" >&2
  exit 1
}

# stop: ends the host started last (SIGTERM: a training run writes its cache then); sets status.
stop() {
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  pid=
}

record=(-XX:AOTCacheOutput="$work/jworkers.aot" -Xlog:aot*=off -Xlog:cds*=off --)
examples=(-c "$home/example-gateway/worker.jsonc" -c "$home/example-auth/worker.jsonc"
  -c "$home/example-application/worker.jsonc")
if [ "$command" = dev ]; then
  host "$work/training.log" "${record[@]}" dev --port 0 --admin-port 0 --access-log off "${examples[@]}"
else
  serve=(serve --state "$work/state" --ip 127.0.0.1 --port 0 --admin-port 0 --token-file "$work/admin-token")
  host "$work/deploying.log" -- "${serve[@]}"
  for w in auth application gateway; do
    secrets=()
    [ $w = auth ] && secrets=(--secrets-file "$home/example-auth/.dev.vars")
    if ! "$JAVA_HOME/bin/java" -jar "$jar" deploy -c "$home/example-$w/worker.jsonc" --host "$admin" \
      --token-file "$work/admin-token" ${secrets[@]+"${secrets[@]}"} > "$work/deploy-$w.log" 2>&1; then
      echo "aot-cache: deploying example-$w to the training state failed:" >&2
      cat "$work/deploy-$w.log" >&2
      exit 1
    fi
  done
  stop
  host "$work/training.log" "${record[@]}" "${serve[@]}" --access-log off
fi
token=$(sed -n 's/^SECRET_TOKEN=//p' "$home/example-auth/.dev.vars")
for i in $(seq 1 300); do
  curl -s -o /dev/null -H "x-custom-token: $token" "$url/notes"
  if [ $((i % 10)) = 0 ]; then
    curl -s -o /dev/null "$url/notes"
    curl -s -o /dev/null -H "x-custom-token: $token" "$url/admin/stats"
    curl -s -o /dev/null -H "x-custom-token: $token" -d "note $i" "$url/notes"
  fi
done
stop
if [ "$status" != 0 ] || [ ! -s "$work/jworkers.aot" ]; then
  echo "aot-cache: the training run ended with status $status and made no cache:" >&2
  tail -20 "$work/training.log" >&2
  exit 1
fi
mv -f "$work/jworkers.aot" "$out"
echo "aot-cache: made $out ($(($(stat -c %s "$out") / 1048576)) MiB)"
