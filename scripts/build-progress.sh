# shellcheck shell=bash
# jworkers: what the launcher shows while Maven builds jworkers, instead of minutes of silence
# (-q) or hundreds of lines (Maven's default). Meant to be SOURCED by bash (3.2 and newer).
#
#   ./mvnw -B -ntp ... 2>&1 | jw_build_progress LOG     one line per module as Maven reaches it:
#                                                       "jworkers: building framework-api (1/8)...";
#                                                       every line of Maven's goes to LOG
#   jw_build_errors LOG                                 after a failed build: Maven's lines that are
#                                                       not [INFO] (errors, warnings, the messages
#                                                       of failed rules), i.e. everything that says
#                                                       what went wrong

jw_build_progress() {
  local log=$1 line module='' count
  : >"$log"
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s\n' "$line" >>"$log"
    case $line in
      # [INFO] ---------------------< io.jworkers:framework-api >----------------------
      "[INFO] "*"< "*":"*" >"*)
        module=${line#*< }
        module=${module%% >*}
        module=${module#*:}
        ;;
      # [INFO] Building jworkers API 0.1.0-SNAPSHOT                               [1/8]
      "[INFO] Building "*"["[0-9]*"/"[0-9]*"]")
        count=${line##*[}
        count=${count%]}
        printf 'jworkers: building %s (%s)...\n' "${module:-${line#\[INFO\] Building }}" "$count"
        ;;
    esac
  done
}

jw_build_errors() {
  grep -v '^\[INFO\]' "$1" || true
}
