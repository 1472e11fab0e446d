#!/usr/bin/env bash
# Makes target/jworkers.aot, the JDK's ahead-of-time cache of the host (JDK 25+: JEP 483 classes
# loaded and linked, JEP 514 one-step creation, JEP 515 method profiles), from a training run:
# `jworkers dev` with the three examples on free ports, a few hundred requests (allowed, refused,
# typed RPC, a POST), then SIGTERM, at which the JVM writes the cache (10-40 s on 2 cores).
# A JVM started with -XX:AOTCache=target/jworkers.aot then starts in about half the time of one
# with the dynamic CDS archive (docs/PERFORMANCE.md, "Start-up against workerd").
#
# ./jworkers runs this in the background (niced) when the jar is newer than the cache; by hand:
#   scripts/aot-cache.sh            # prints where the cache is, or why it made none
# Environment: JWORKERS_JAVA_OPTS as for ./jworkers (the cache is made with the same options,
# scripts/jvm-defaults.sh included).
set -euo pipefail

home=$(CDPATH='' cd -P -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=find-jdk.sh
. "$home/scripts/find-jdk.sh"
jar=$home/framework-runtime/target/jworkers.jar
out=$home/target/jworkers.aot
if [ "${jw_jdk_major:-0}" -lt 25 ]; then
  echo "aot-cache: $JAVA_HOME is Java ${jw_jdk_major:-?}; the ahead-of-time cache needs Java 25+ (jworkers keeps its CDS archive)"
  exit 0
fi
for w in gateway auth application; do
  [ -d "$home/example-$w/target/classes" ] || { echo "aot-cache: build the examples first (./mvnw -DskipTests package)" >&2; exit 1; }
done
mkdir -p "$home/target"
# One training run at a time; a stale lock (its run was killed) is older than ten minutes.
lock=$home/target/.jworkers-aot.lock
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
set -f
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" -XX:AOTCacheOutput="$work/jworkers.aot" -Xlog:aot*=off -Xlog:cds*=off \
  ${jw_jvm_defaults[@]+"${jw_jvm_defaults[@]}"} ${JWORKERS_JAVA_OPTS:-} \
  -jar "$jar" dev --port 0 --admin-port 0 --access-log off -c "$home/example-gateway/worker.jsonc" \
  -c "$home/example-auth/worker.jsonc" -c "$home/example-application/worker.jsonc" > "$work/training.log" 2>&1 &
set +f
pid=$!
url=
for _ in $(seq 1 600); do
  url=$(sed -n 's/^Ready on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$work/training.log")
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "aot-cache: the training run did not start:" >&2
  cat "$work/training.log" >&2
  exit 1
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
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
if [ "$status" != 0 ] || [ ! -s "$work/jworkers.aot" ]; then
  echo "aot-cache: the training run ended with status $status and made no cache:" >&2
  tail -20 "$work/training.log" >&2
  exit 1
fi
mv -f "$work/jworkers.aot" "$out"
echo "aot-cache: made $out ($(($(stat -c %s "$out") / 1048576)) MiB)"
