# shellcheck shell=bash
# Shared by the benchmark scripts (sourced): the servers a script starts, stopped when it exits,
# and wrk's latency in microseconds.

pids=()

# Stops every server started with `start`; runs on exit.
cleanup() {
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap cleanup EXIT

# start LOG CMD...: starts a server in the background, its output to LOG, and remembers its pid
# (the command's own process: a command that execs, as ./jworkers does, keeps it).
start() {
  local log=$1
  shift
  "$@" > "$log" 2>&1 &
  pids+=($!)
}

# cpu_ticks PID...: the user + system CPU of the processes (all their threads), in clock ticks
# (getconf CLK_TCK a second).
cpu_ticks() {
  local pid total=0
  for pid in "$@"; do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "$total"
}

# wrk's latency ("1.23ms", "850.00us", "1.02s") in microseconds.
to_us() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000;
    else if (v ~ /s$/) print n * 1000000; else print n }'
}

# slice_seconds DURATION SLICES: the seconds of one slice when DURATION ("10s") is cut into SLICES.
slice_seconds() {
  if ! [[ $1 =~ ^[1-9][0-9]*s$ ]]; then
    echo "DURATION must be whole seconds, like 10s (not $1)" >&2
    return 1
  fi
  local seconds=$(( ${1%s} / $2 ))
  if [ "$seconds" -lt 1 ]; then
    echo "DURATION ($1) must be at least SLICES ($2) seconds" >&2
    return 1
  fi
  echo "$seconds"
}

# in_turns SLICES CALLBACK NAME...: calls CALLBACK SLICE NAME for every slice of every name, the
# names in rotation (a b c, then b c a, then c a b, ...), so that load from elsewhere on a shared
# machine falls on every name alike and none always runs first.
in_turns() {
  local slices=$1 callback=$2 slice i
  shift 2
  local names=("$@")
  for slice in $(seq 1 "$slices"); do
    for i in $(seq 0 $((${#names[@]} - 1))); do
      "$callback" "$slice" "${names[$(( (i + slice - 1) % ${#names[@]} ))]}"
    done
  done
}
