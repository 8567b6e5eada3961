#!/usr/bin/env bash
# ICE transport benchmark (issue 6): libnice's per-packet path (libcore/ice
# agents on a GLib loop) against the gateway's own socket path (ICE-lite:
# net::DatagramPort + what MediaShard does before SRTP), in one ice_bench
# process, CPU per packet from the loop threads' CLOCK_THREAD_CPUTIME.
# Writes the ice-bench section of docs/BENCHMARKS.md. Builds nothing.
#
# Usage: bench/ice/run.sh [--no-doc] [ice_bench options: --flows "1 50 250" --reps 5
#                          --rate 50 --seconds 4 --flat-seconds 2 --size 172 --no-flat]
# Env: GW_BUILD_DIR  where bench/ice_bench is built (default: build-bench)
#      DOC           the file to write (default: docs/BENCHMARKS.md)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$SRC/bench/ice
GW_BUILD_DIR=${GW_BUILD_DIR:-$SRC/build-bench}
DOC=${DOC:-$SRC/docs/BENCHMARKS.md}
BENCH=$GW_BUILD_DIR/bench/ice_bench
WRITE_DOC=1 ARGS=()
for a in "$@"; do
  if [ "$a" = --no-doc ]; then WRITE_DOC=0; else ARGS+=("$a"); fi
done
[ -x "$BENCH" ] || { echo "run.sh: no $BENCH (ninja -C $GW_BUILD_DIR ice_bench; or set GW_BUILD_DIR)" >&2; exit 2; }

T=$(mktemp -d /tmp/gw-ice-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD0=$(load)
"$BENCH" "${ARGS[@]}" | tee "$T/results.jsonl" >&2
LOAD1=$(load)

NICE_VERSION=$(pkg-config --modversion nice 2>/dev/null || echo '?')
MACHINE="$(date -u +%F), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), Linux $(uname -r), libnice $NICE_VERSION; load average $LOAD0 at the start, $LOAD1 at the end"
COMMAND="bench/ice/run.sh$(printf ' %q' "$@")   # GW_BUILD_DIR=${GW_BUILD_DIR#"$SRC"/}, $(grep -m1 '^CMAKE_BUILD_TYPE' "$GW_BUILD_DIR/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo '?') build"
python3 "$HERE/report.py" markdown "$T/results.jsonl" "$COMMAND" "$MACHINE" >"$T/section.md"
cat "$T/section.md"
if [ "$WRITE_DOC" = 1 ]; then
  python3 "$HERE/report.py" write-doc "$DOC" "$T/section.md"
  echo "run.sh: wrote the ice-bench section of $DOC" >&2
fi
