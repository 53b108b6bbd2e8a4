# Sourced by ./perennial and ./mvnw (POSIX sh): sets JAVA_HOME to a JDK of version 25 or newer.
# JAVA_HOME wins when it is new enough; otherwise the newest JDK 25+ under /usr/lib/jvm (or
# /Library/Java/JavaVirtualMachines) is used. Without one, it says so in one line and exits 2.

perennial_java_major() {
  # The major version of the JDK at $1, from its release file (JAVA_VERSION="25.0.1" -> 25).
  [ -f "$1/release" ] && [ -x "$1/bin/java" ] || { echo 0; return; }
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  echo "${v:-0}"
}

perennial_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ "$(perennial_java_major "$JAVA_HOME")" -ge 25 ]; then
    return 0
  fi
  best="" best_major=0
  case $- in *f*) set +f; perennial_noglob=1 ;; *) perennial_noglob=0 ;; esac
  for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] || continue
    major=$(perennial_java_major "$candidate")
    if [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate best_major=$major
    fi
  done
  [ "$perennial_noglob" = 1 ] && set -f
  if [ -z "$best" ]; then
    echo "error: Perennial needs a JDK 25 or newer and found none (JAVA_HOME=${JAVA_HOME:-unset}, nothing under /usr/lib/jvm); install one (for example Eclipse Temurin 25) and set JAVA_HOME to it" >&2
    exit 2
  fi
  JAVA_HOME=$best
  export JAVA_HOME
}

perennial_find_jdk
