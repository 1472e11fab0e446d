# shellcheck shell=sh
# jworkers: find a JDK 21+ and make it the one to use.
#
# Meant to be SOURCED (". scripts/find-jdk.sh" from sh, or "source" from bash), from any
# directory; used by ./mvnw, ./jworkers and .ci/run. POSIX sh: it runs inside mvnw
# ("#!/bin/sh", set -euf) as well as inside bash scripts with "set -euo pipefail".
#
#   1. If JAVA_HOME is a JDK (bin/java and bin/javac) of major version >= 21, keep it.
#   2. Otherwise look at every JDK under these folders, in this order:
#        /usr/lib/jvm/*  ~/.sdkman/candidates/java/*  ~/.jdks/*
#        /Library/Java/JavaVirtualMachines/*/Contents/Home  /opt/java/*
#        Homebrew's openjdk (/opt/homebrew/opt/openjdk*, /usr/local/opt/openjdk*)
#      and then at the JDK of the `java` found on PATH, and take the highest major version
#      >= 21 (on a tie, the first one found). Only JDKs count (bin/javac), not JREs.
#      The version comes from the JDK's `release` file (JAVA_VERSION="25.0.1"), else from
#      `java -version`.
#   3. Export JAVA_HOME and put $JAVA_HOME/bin first on PATH, and set jw_jdk_major (not
#      exported) to its major version, e.g. 25. Prints nothing on success.
#   If there is none, it says on stderr what it searched and how to get a JDK 21+, and
#   returns 1 (exits 1 when executed instead of sourced).
#
# Environment:
#   JWORKERS_JDK_SEARCH  colon-separated list of glob patterns that REPLACES the folder list
#                        of step 2 (the `java` on PATH is still tried), e.g. for tests:
#                        JWORKERS_JDK_SEARCH='/nonexistent/*' PATH=/usr/bin:/bin ...
#   JWORKERS_JDK_MIN     minimum major version (default 21).
#
# Everything it defines is prefixed _jw_ and removed again before it returns.

_jw_min=${JWORKERS_JDK_MIN:-21}

# Sets _jw_v to the major version of the JDK at $1 (e.g. 25, or 8 for "1.8.0_292"); empty if
# unknown. Shell built-ins only for the release file: a launcher starts with this, and each
# command substitution is a fork (about 5 ms apiece on a small machine).
_jw_major() {
  _jw_v=
  _jw_line=
  if [ -f "$1/release" ] && [ -r "$1/release" ]; then
    while IFS= read -r _jw_line || [ -n "$_jw_line" ]; do
      case $_jw_line in
        JAVA_VERSION=*)
          _jw_v=${_jw_line#JAVA_VERSION=}
          _jw_v=${_jw_v#\"}
          _jw_v=${_jw_v%%\"*}
          break ;;
      esac
    done < "$1/release"
  fi
  if [ -z "$_jw_v" ] && [ -x "$1/bin/java" ]; then
    # e.g.: openjdk version "17.0.15" 2025-04-15 | java version "1.8.0_292" | openjdk version "25-ea"
    _jw_v=$("$1/bin/java" -version 2>&1 </dev/null) || _jw_v=
    _jw_v=$(printf '%s\n' "$_jw_v" | sed -n 's/^.* version "\([^"]*\)".*/\1/p' 2>/dev/null | sed -n '1p') || _jw_v=
  fi
  case $_jw_v in
    1.*) _jw_v=${_jw_v#1.} ;;
  esac
  _jw_v=${_jw_v%%[!0-9]*}
}

# Is $1 a JDK (not a JRE)?
_jw_is_jdk() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ]
}

# Considers the JDK at $1 as a candidate.
_jw_consider() {
  _jw_is_jdk "$1" || return 0
  _jw_major "$1"
  _jw_m=$_jw_v
  [ -n "$_jw_m" ] || return 0
  [ "$_jw_m" -ge "$_jw_min" ] || return 0
  if [ -z "$_jw_best" ] || [ "$_jw_m" -gt "$_jw_best_major" ]; then
    _jw_best=$1
    _jw_best_major=$_jw_m
  fi
  return 0
}

# Sets _jw_p to the real path of $1, following symlinks (no readlink -f on older macOS); returns 1
# when its folder does not exist.
_jw_realpath() {
  _jw_p=$1
  _jw_n=0
  while [ -L "$_jw_p" ] && [ "$_jw_n" -lt 40 ]; do
    _jw_l=$(readlink "$_jw_p") || break
    case $_jw_l in
      /*) _jw_p=$_jw_l ;;
      *) case $_jw_p in
           */*) _jw_p=${_jw_p%/*}/$_jw_l ;;
           *) _jw_p=./$_jw_l ;;
         esac ;;
    esac
    _jw_n=$((_jw_n + 1))
  done
  case $_jw_p in
    */*) _jw_d=${_jw_p%/*} ;;
    *) _jw_d=. ;;
  esac
  _jw_d=$(CDPATH='' cd -P -- "${_jw_d:-/}" 2>/dev/null && pwd) || return 1
  _jw_p=$_jw_d/${_jw_p##*/}
}

_jw_main() {
  _jw_best=
  _jw_best_major=

  # 1. A JAVA_HOME that is already good enough wins.
  if [ -n "${JAVA_HOME-}" ] && _jw_is_jdk "$JAVA_HOME"; then
    _jw_major "$JAVA_HOME"
    _jw_m=$_jw_v
    if [ -n "$_jw_m" ] && [ "$_jw_m" -ge "$_jw_min" ]; then
      _jw_best=$JAVA_HOME
      _jw_best_major=$_jw_m
    fi
  fi

  if [ -z "$_jw_best" ]; then
    # 2. The usual install folders.
    _jw_search=${JWORKERS_JDK_SEARCH-"/usr/lib/jvm/*:${HOME-}/.sdkman/candidates/java/*:${HOME-}/.jdks/*:/Library/Java/JavaVirtualMachines/*/Contents/Home:/opt/java/*:/opt/homebrew/opt/openjdk*/libexec/openjdk.jdk/Contents/Home:/usr/local/opt/openjdk*/libexec/openjdk.jdk/Contents/Home"}
    _jw_old_ifs=${IFS-}
    _jw_ifs_set=${IFS+x}
    IFS=:
    set -f # split the list on ":" only; each pattern is globbed below
    # shellcheck disable=SC2086
    set -- $_jw_search
    set +f
    IFS='
'
    for _jw_pat in "$@"; do
      [ -n "$_jw_pat" ] || continue
      # Unquoted on purpose: glob expansion (globbing is switched on around this function).
      # shellcheck disable=SC2086
      for _jw_dir in $_jw_pat; do
        [ -d "$_jw_dir" ] && _jw_consider "$_jw_dir"
      done
    done
    if [ -n "$_jw_ifs_set" ]; then IFS=$_jw_old_ifs; else unset IFS; fi

    # 3. The JDK of the `java` on PATH (/usr/bin/java -> /usr/lib/jvm/X/bin/java).
    _jw_java=$(command -v java 2>/dev/null) || _jw_java=
    if [ -n "$_jw_java" ]; then
      if _jw_realpath "$_jw_java"; then _jw_java=$_jw_p; else _jw_java=; fi
      if [ -n "$_jw_java" ]; then
        _jw_jh=${_jw_java%/*}
        _jw_consider "${_jw_jh%/*}"
      fi
    fi
  fi

  if [ -n "$_jw_best" ]; then
    JAVA_HOME=$_jw_best
    export JAVA_HOME
    jw_jdk_major=$_jw_best_major
    case "${PATH-}" in
      "$JAVA_HOME/bin:"*) ;;
      *) PATH="$JAVA_HOME/bin${PATH:+:$PATH}" ;;
    esac
    export PATH
    return 0
  fi

  {
    echo "jworkers needs a JDK $_jw_min or newer (Java $_jw_min+ with javac), and none was found."
    if [ -n "${JAVA_HOME-}" ]; then
      _jw_major "$JAVA_HOME"
      _jw_m=$_jw_v
      if _jw_is_jdk "$JAVA_HOME"; then
        echo "  JAVA_HOME=$JAVA_HOME is a JDK ${_jw_m:-of unknown version}: too old."
      else
        echo "  JAVA_HOME=$JAVA_HOME is not a JDK (a JDK has bin/java and bin/javac)."
      fi
    else
      echo "  JAVA_HOME is not set."
    fi
    _jw_old_ifs=${IFS-}
    _jw_ifs_set=${IFS+x}
    IFS=:
    set -f # split the list on ":" only; each pattern is globbed below
    # shellcheck disable=SC2086
    set -- $_jw_search
    set +f
    if [ -n "$_jw_ifs_set" ]; then IFS=$_jw_old_ifs; else unset IFS; fi
    echo "  Searched: $*"
    if [ -n "$_jw_java" ]; then
      _jw_jh=${_jw_java%/*}
      _jw_jh=${_jw_jh%/*}
      _jw_major "$_jw_jh"
      _jw_m=$_jw_v
      echo "  and the java on PATH ($_jw_java): version ${_jw_m:-unknown}$(_jw_is_jdk "$_jw_jh" || echo ', no javac')."
    else
      echo "  and the java on PATH: there is none."
    fi
    echo "Install a JDK $_jw_min+ (any of these), then run the command again:"
    echo "  - Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk"
    echo "  - Fedora/RHEL:    sudo dnf install java-21-openjdk-devel"
    echo "  - macOS:          brew install --cask temurin@21"
    echo "  - SDKMAN:         sdk install java 21-tem"
    echo "  - Temurin 21+ from https://adoptium.net/"
    echo "or point JAVA_HOME at a JDK $_jw_min+ you already have: export JAVA_HOME=/path/to/jdk"
  } >&2
  return 1
}

# Globbing must be on for the search (mvnw runs with set -f); restore the caller's setting.
case $- in
  *f*) _jw_noglob=1 ;;
  *) _jw_noglob= ;;
esac
set +f
if _jw_main; then _jw_rc=0; else _jw_rc=1; fi
[ -z "$_jw_noglob" ] || set -f

unset -f _jw_major _jw_is_jdk _jw_consider _jw_realpath _jw_main
unset _jw_min _jw_v _jw_line _jw_m _jw_p _jw_n _jw_l _jw_d _jw_best _jw_best_major _jw_search \
  _jw_old_ifs _jw_ifs_set _jw_pat _jw_dir _jw_java _jw_jh _jw_noglob
if [ "$_jw_rc" != 0 ]; then
  unset _jw_rc
  # Sourced: return 1. Executed: "return" is invalid outside a function/sourced file, so exit 1.
  # shellcheck disable=SC2317
  return 1 2>/dev/null || exit 1
fi
unset _jw_rc
