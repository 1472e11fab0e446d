#!/usr/bin/env bash
# Where `jworkers dev`'s start-up goes: a CPU profile (async-profiler, from Maven Central) of
# `./jworkers dev` with the three examples, from the JVM's start to the first correct 200, then:
#   - the CPU of each thread (the JIT compilers, main, Helidon's warm-up, ...), in percent;
#   - what the main thread waited for or ran, by the deepest jworkers frame (wall clock).
# The launcher's own time (finding the JDK) is printed apart: it runs before the JVM.
#
#   benchmarks/profile-startup.sh              # profiles one start (the AOT cache as the launcher uses it)
#   JWORKERS_AOT=off benchmarks/profile-startup.sh   # with the CDS archive instead
#
# The CPU profile uses async-profiler's ctimer (per-thread CPU timers: no perf_events needed, so
# it works in containers); the kernel's 4 ms timer tick makes each sample worth about 4 ms, so
# read the shares, not the sample counts. Files: benchmarks/target/startup-profile/.
set -euo pipefail

here=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname -- "$here")
work=$here/target/startup-profile
version=${ASYNC_PROFILER_VERSION:-4.2}
port=${PORT:-18987}
token=let-me-in   # example-auth/.dev.vars
mkdir -p "$work"

lib=$work/async-profiler-$version/linux-x64/libasyncProfiler.so
if [ ! -f "$lib" ]; then
  echo "Fetching async-profiler $version (tools.profiler:async-profiler) from Maven Central..."
  (cd "$root" && ./mvnw -q -B dependency:copy -Dartifact="tools.profiler:async-profiler:$version" \
    -DoutputDirectory="$work")
  (cd "$work" && mkdir -p "async-profiler-$version" && cd "async-profiler-$version" \
    && unzip -q -o "../async-profiler-$version.jar" 'linux-x64/*')
fi

# seconds CMD...: how long a command takes (bash's own clock: no GNU time needed).
seconds() {
  local TIMEFORMAT=%R
  { time "$@" > /dev/null 2>&1; } 2>&1
}
version_s=$(seconds env JWORKERS_SKIP_BUILD=1 "$root/jworkers" --version)
find_jdk_s=$(seconds bash -c ". '$root/scripts/find-jdk.sh'")

# profile EVENT FILE: one start of dev with the profiler on, stopped after its first correct 200.
profile() {
  local started pid body ms
  started=$(date +%s%N)
  env JWORKERS_SKIP_BUILD=1 JWORKERS_JAVA_OPTS="-agentpath:$lib=start,event=$1,interval=1ms,threads,file=$2,collapsed" \
    "$root/jworkers" dev --port "$port" --admin-port 0 -c "$root/example-gateway/worker.jsonc" \
    -c "$root/example-auth/worker.jsonc" -c "$root/example-application/worker.jsonc" > "$work/dev-$1.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    body=$(curl -s -H "x-custom-token: $token" "http://127.0.0.1:$port/notes" || true)
    [ "$body" = '{"notes":[]}' ] && break
    kill -0 "$pid" 2>/dev/null || { echo "dev stopped; its log: $work/dev-$1.log" >&2; exit 1; }
    sleep 0.005
  done
  if [ "$body" != '{"notes":[]}' ]; then
    kill "$pid" 2>/dev/null || true
    echo "dev gave no first 200 in time; its log: $work/dev-$1.log" >&2
    exit 1
  fi
  ms=$(( ($(date +%s%N) - started) / 1000000 ))
  echo "  $1: first 200 after $ms ms, CPU $(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat") ms"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

echo "Profiling one start of ./jworkers dev with the examples (CPU, then wall clock)..."
profile ctimer "$work/cpu.collapsed"
profile wall "$work/wall.collapsed"

echo
echo "Before the JVM: the launcher's JDK search (scripts/find-jdk.sh) takes ${find_jdk_s} s; ./jworkers --version, launcher and JVM, ${version_s} s."
echo
echo "CPU by thread, until the process was stopped (the stop itself is the jworkers-stop thread):"
awk '{ n = $NF; $NF = ""; split($0, f, ";"); name = f[1]; sub(/ tid=[0-9]+\]$/, "]", name); t[name] += n; s += n }
  END { for (k in t) printf "%6.1f%%  %s\n", t[k] * 100 / s, k }' "$work/cpu.collapsed" | sort -rn | head -12
echo
echo "The main thread, wall clock, by its deepest jworkers frame and what that frame called:"
grep '^\[main' "$work/wall.collapsed" | awk '{ n = $NF; $NF = ""; c = split($0, f, ";"); j = "(JVM start, before jworkers code)"; k = 0
  for (i = 1; i <= c; i++) if (f[i] ~ /io\/jworkers/) { j = f[i]; k = i }
  t[j (k && k < c ? " -> " f[k + 1] : "")] += n; s += n }
  END { for (x in t) printf "%6.1f%%  %s\n", t[x] * 100 / s, x }' | sort -rn | head -15
echo
echo "Profiles (collapsed stacks, for flame graph tools): $work/cpu.collapsed, $work/wall.collapsed"
