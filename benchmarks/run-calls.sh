#!/usr/bin/env bash
# Runs the call benchmarks (JMH) and prints each binding call against its direct-call baseline:
# ns/op, ratio, difference, and the target where there is one (docs/PERFORMANCE.md, Targets):
# add_rpc at most 20 ns over add_direct, fetch_binding at most 100 ns over fetch_direct,
# record_rpc at most 250 ns per call.
#
#   benchmarks/run-calls.sh                   # all of CallBenchmarks (about 2.5 minutes on 2 cores)
#   benchmarks/run-calls.sh 'add_'            # a regex of benchmarks instead
#   benchmarks/run-calls.sh -prof gc          # extra JMH options are passed on (B/op then shows)
#   benchmarks/run-calls.sh CallParts         # the per-step diagnostics of a binding call
#   JMH_RUN='-f 1 -wi 2 -w 1s -i 3 -r 1s' benchmarks/run-calls.sh   # other forks/iterations (run-all.sh)
#
# Builds benchmarks/target/benchmarks.jar first when it is missing or older than the sources.
# JMH's full output goes to benchmarks/target/calls.log, its results to target/calls.json.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname -- "$here")
# shellcheck source=../scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"

jar=$here/target/benchmarks.jar
inputs=("$here/src" "$here/pom.xml" "$root/pom.xml" "$root/framework-api/src/main" "$root/framework-api/pom.xml"
  "$root/framework-runtime/src/main" "$root/framework-runtime/pom.xml")
if [ ! -f "$jar" ] || [ -n "$(find "${inputs[@]}" -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "Building $jar ..."
  (cd "$root" && ./mvnw -q -B package -pl benchmarks -am -Dmaven.test.skip=true)
fi

regex='io\.jworkers\.benchmarks\.CallBenchmarks\.'
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  regex=$1
  shift
fi

# JMH 1.37 uses sun.misc.Unsafe, which JDK 23+ warns about; older JDKs do not know the flag.
java_version=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
# --add-opens as the host's jar manifest says (Add-Opens), so that binding calls take the host's
# path: the context class loader set with a release store instead of Thread.setContextClassLoader.
host_args=(${JMH_HOST_OPTS:-})   # e.g. -Djmh.ignoreLock=true when another JMH holds /tmp/jmh.lock
jvm_args=(-jvmArgsAppend --add-opens=java.base/java.lang=ALL-UNNAMED)
if [ "${java_version:-0}" -ge 23 ]; then
  host_args+=(--sun-misc-unsafe-memory-access=allow)
  jvm_args=(-jvmArgsAppend "--add-opens=java.base/java.lang=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow")
fi

result=$here/target/calls.json
log=$here/target/calls.log
rm -f "$result"
echo "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p); $(nproc 2>/dev/null || echo '?') cores; full log: $log"
start=$(date +%s)
if ! "$JAVA_HOME/bin/java" ${host_args[@]+"${host_args[@]}"} -jar "$jar" "$regex" \
  ${JMH_RUN:--f 1 -wi 3 -w 1s -i 5 -r 1s} ${jvm_args[@]+"${jvm_args[@]}"} -rf json -rff "$result" "$@" 2>&1 \
  | tee "$log" \
  | awk '/^# Benchmark: /{sub(/^# Benchmark: io\.jworkers\.benchmarks\./, ""); printf "  %s ...", $0; fflush()}
         /^Result "/{getline; sub(/^ +/, ""); print " " $1 " " $2 " " $3 " " $4; fflush()}'; then
  echo "JMH failed; see $log" >&2
  exit 1
fi
if [ ! -s "$result" ]; then
  echo "JMH wrote no results; see $log" >&2
  exit 1
fi
echo "Done in $(( $(date +%s) - start )) s."
echo
python3 "$here/calls-table.py" "$result"
