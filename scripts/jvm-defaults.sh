# shellcheck shell=bash
# jworkers: the JVM options ./jworkers starts the host with unless JWORKERS_JAVA_OPTS chooses
# otherwise; sourced by ./jworkers and scripts/aot-cache.sh (an AOT cache is only used by a JVM
# with the options it was made with).
#
# The serial collector with a 24 MiB young generation. A host's live data is small (the three
# examples keep about 8 MiB after a collection), so a young collection copies little and takes
# under 1 ms, against 6-9 ms for the serial collector's default young generation and 20-30 ms
# p99 with G1 under wrk -t2 -c50 on 2 cores. Measured (docs/PERFORMANCE.md §9): p99 7.7-10.5 ms
# against G1's 21.8-30.1 ms, the same or more throughput, RSS after the load 124-135 MiB against
# G1's 355-433 MiB (with 16 MiB then). 24 MiB rather than 16: the start allocates ~17 MiB before
# its first 200, so with 16 MiB a collection runs during the start and leaves the whole young
# generation touched; with 24 MiB none does (RSS when ready 2 MiB lower), and under load a third
# fewer collections of the same ~0.8 ms (RSS after the load alike, 122-134 MiB). A host with a
# large live heap (workers with big in-memory caches) is better served by G1:
# JWORKERS_JAVA_OPTS='-XX:+UseG1GC' (any collector or young-generation option there replaces
# these defaults).
jw_jvm_defaults=(-XX:+UseSerialGC -Xmn24m)
set -f
# shellcheck disable=SC2086
for jw_option in ${JWORKERS_JAVA_OPTS:-}; do
  case $jw_option in
    -XX:+Use*GC | -Xmn* | -XX:NewSize=* | -XX:MaxNewSize=*) jw_jvm_defaults=() ;;
  esac
done
set +f
unset jw_option
