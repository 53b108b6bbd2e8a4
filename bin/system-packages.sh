#!/bin/sh
# The system packages Perennial uses, and their installation through Debian's apt-get where one is missing.
# Usage: bin/system-packages.sh --for tests|run
#        bin/system-packages.sh --list tests|run   (every package it may install, in the order its error line names
#                                                   them when all are missing; for .ci/run's check of that line)
#   tests: Chromium (required: the web app's browser tests), Node.js with npm (required: the official openai and
#          @gradio/client npm clients the API tests run), ffmpeg (required: the audio decoding tests), Debian's
#          python3 (required: the independent TensorBoard event-file reader, tools/reference/tfevents.py) with the
#          packages that the official Python gradio_client and its huggingface_hub import (required: vendored in
#          tools/vendor, the API tests run them) and the speed libraries (optional).
#   run:   the speed libraries (optional: without them the bundled BLAS and glibc's malloc are used) and ffmpeg
#          (optional: without it only WAV audio can be read; MP3, FLAC, OGG and WebM need it).
# Missing packages are installed when permitted: as root, or with passwordless sudo, unless PERENNIAL_INSTALL=never.
# Otherwise a missing required package stops it with one line (exit 1) saying what to install, and missing optional
# ones give one notice line. That line, and only it, goes to stderr (Maven shows it as the build's error); what is
# being installed goes to stdout. Run by ./perennial (--for run) and by Maven before the tests (pom.xml, --for tests).
set -eu
bin=$(cd "$(dirname "$0")" && pwd)
. "$bin/speed-env.sh"

usage="usage: bin/system-packages.sh --for|--list tests|run"
[ $# -eq 2 ] && { [ "$1" = --for ] || [ "$1" = --list ]; } || { echo "$usage" >&2; exit 2; }
action=$1
purpose=$2
case $purpose in tests | run) ;; *) echo "$usage" >&2; exit 2 ;; esac

# The modules that the vendored gradio_client and huggingface_hub import (tools/vendor/README.md), each with its
# Debian package.
python_modules="httpx:python3-httpx websockets:python3-websockets yaml:python3-yaml requests:python3-requests
  tqdm:python3-tqdm filelock:python3-filelock fsspec:python3-fsspec packaging:python3-packaging
  typing_extensions:python3-typing-extensions"

# The Debian packages of those modules that Debian's python3 cannot find (all of them without a python3).
missing_python_packages() {
  # shellcheck disable=SC2086 # one argument per module:package pair
  /usr/bin/python3 -c 'import importlib.util, sys
print(" ".join(p for m, p in (a.split(":") for a in sys.argv[1:]) if importlib.util.find_spec(m) is None))' \
    $python_modules 2>/dev/null || for pair in $python_modules; do printf '%s ' "${pair#*:}"; done
}

# The packages this purpose needs and that are missing: $required and $optional (space-separated names).
find_missing() {
  required="" optional="" audio=""
  if [ "$purpose" = tests ] && [ -z "${PERENNIAL_CHROMIUM-}" ] && ! perennial_present /usr/bin/chromium; then
    required="chromium"
  fi
  if [ "$purpose" = tests ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
    required="${required:+$required }nodejs npm"
  fi
  if [ "$purpose" = tests ] && ! [ -x /usr/bin/python3 ]; then
    required="${required:+$required }python3"
  fi
  if [ "$purpose" = tests ]; then
    required="${required:+$required }$(missing_python_packages)"
    required=${required% }
  fi
  # ffmpeg decodes compressed audio exactly as transformers' pipelines do (audio.FfmpegDecoder).
  if ! command -v ffmpeg >/dev/null 2>&1; then
    if [ "$purpose" = tests ]; then required="${required:+$required }ffmpeg"; else audio="ffmpeg"; fi
  fi
  # A speed library that the user turned off (README "Speed") is not needed.
  if [ "${PERENNIAL_BLAS:-auto}" != bundled ] && ! perennial_present "$perennial_openmp_blas"; then
    optional="libopenblas0-openmp"
  fi
  if [ "${PERENNIAL_MALLOC:-auto}" != system ] && ! perennial_present "$perennial_tcmalloc"; then
    optional="${optional:+$optional }libtcmalloc-minimal4"
  fi
}

# Whether this process may install: sets $sudo (empty as root), or $why_not and returns 1.
may_install() {
  sudo=""
  if [ "${PERENNIAL_INSTALL:-auto}" = never ]; then
    why_not="PERENNIAL_INSTALL=never"; return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    why_not="no apt-get here"; return 1
  fi
  [ "$(id -u)" -eq 0 ] && return 0
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"; return 0
  fi
  why_not="not root and no passwordless sudo"; return 1
}

# apt-get update and install of "$@", quietly; on failure sets $why_not (with the log's path) and returns 1.
apt_install() {
  log=$(mktemp "${TMPDIR:-/tmp}/perennial-apt.XXXXXX")
  echo "perennial: installing $* (Debian packages; PERENNIAL_INSTALL=never to stop this)"
  # Another apt-get may hold dpkg's lock for a while: wait for it rather than fail.
  if $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq >"$log" 2>&1 \
      && $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" \
        >>"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  why_not="apt-get failed; its output is in $log"
  return 1
}

if [ "$action" = --list ]; then
  python_packages=""
  for pair in $python_modules; do python_packages="$python_packages ${pair#*:}"; done
  if [ "$purpose" = tests ]; then
    echo "chromium nodejs npm python3$python_packages ffmpeg libopenblas0-openmp libtcmalloc-minimal4"
  else
    echo "libopenblas0-openmp libtcmalloc-minimal4 ffmpeg"
  fi
  exit 0
fi

find_missing
[ -z "$required$optional$audio" ] && exit 0
why_not=""
if may_install; then
  # (if a file is still absent after a successful install, its package no longer provides it)
  apt_install $required $optional $audio && why_not="still absent after apt-get install" || true
  find_missing
fi
if [ -n "$required" ]; then
  needed=""
  for name in $required; do
    case $name in
      chromium) needed="${needed:+$needed, }Chromium" ;;
      nodejs) needed="${needed:+$needed, }Node.js with npm" ;;
      ffmpeg) needed="${needed:+$needed, }ffmpeg" ;;
      python3) needed="${needed:+$needed, }Python 3" ;;
      python3-*) case $needed in *"gradio_client imports"*) ;; *) needed="${needed:+$needed, }the Python packages gradio_client imports" ;; esac ;;
    esac
  done
  case $needed in
    *,*) needed="${needed%, *}, and ${needed##*, }" ;;
  esac
  case $required in
    chromium*) hint=" (or set PERENNIAL_CHROMIUM to a Chromium or Chrome binary)" ;;
    *) hint="" ;;
  esac
  echo "error: the tests need $needed (not installed: $why_not): apt-get install $required${optional:+ $optional}$hint" >&2
  exit 1
fi
if [ -n "$optional" ]; then
  echo "perennial: running slower without $optional (not installed: $why_not; apt-get install $optional," \
    "see README \"Speed\")" >&2
fi
if [ -n "$audio" ]; then
  echo "perennial: only WAV audio can be read without ffmpeg (not installed: $why_not; apt-get install ffmpeg)" >&2
fi
