#!/usr/bin/env bash
# The datagram floor of a bridged call (bench/relay_floor/relay_floor.cpp):
# the relay pinned to CPU 0, its load and echo peer to CPU 1; the relay's
# CPU (/proc/PID/stat utime+stime) counted from 2 s into the sending to 1 s
# before its end, divided by calls x seconds.
#
# Usage: bench/relay_floor/run.sh [--calls "250 500"] [--seconds 20] [--repeat 1] [BUILD_DIR]
# One line per run: calls, loss %, relay CPU %, relay ms per call-second.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
CALLS="250 500" SECONDS_=20 REPEAT=1
while [ $# -gt 0 ]; do
  case $1 in
    --calls) CALLS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
BUILD=${1:-$SRC/build}
BIN=$BUILD/bench/relay_floor
[ -x "$BIN" ] || { echo "run.sh: no $BIN (build the relay_floor target)" >&2; exit 2; }
[ "$SECONDS_" -ge 5 ] || { echo "run.sh: --seconds must be at least 5" >&2; exit 2; }
T=$(mktemp -d /tmp/relay-floor.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
source "$SRC/bench/lib.sh"  # free_port
echo "# $BIN ($(git -C "$SRC" describe --always --dirty 2>/dev/null || echo '?')), $(date -u +%FT%TZ), seconds $SECONDS_"
echo "| calls | loss % | relay CPU % | relay ms per call-s |"
echo "|---|---|---|---|"
for calls in $CALLS; do
  for _ in $(seq "$REPEAT"); do
    peer=$(free_port udp)
    taskset -c 0 "$BIN" relay --public 127.0.0.1:0 --peer "127.0.0.1:$peer" --calls "$calls" >"$T/relay.out" &
    relay=$!
    PIDS=("$relay")
    for _ in $(seq 50); do grep -q listening "$T/relay.out" && break; sleep 0.1; done
    pub=$(grep -o '"public":[0-9]*' "$T/relay.out" | cut -d: -f2)
    [ -n "$pub" ] || { echo "run.sh: the relay did not start" >&2; exit 1; }
    taskset -c 1 "$BIN" load --relay "127.0.0.1:$pub" --echo "127.0.0.1:$peer" --calls "$calls" \
      --seconds "$SECONDS_" >"$T/load.out" &
    load=$!
    PIDS=("$relay" "$load")
    sleep 2
    c0=$(ticks "$relay"); t0=$(date +%s%N)
    sleep $((SECONDS_ - 3))
    c1=$(ticks "$relay"); t1=$(date +%s%N)
    wait "$load"
    kill "$relay"; wait "$relay" || true
    PIDS=()
    python3 - "$calls" "$c0" "$c1" "$t0" "$t1" "$HZ" "$T/load.out" <<'PY'
import json, sys
calls, c0, c1, t0, t1, hz = (int(x) for x in sys.argv[1:7])
load = json.load(open(sys.argv[7]))
cpu_s = (c1 - c0) / hz
wall = (t1 - t0) / 1e9
print(f"| {calls} | {load['loss_pct']:.3f} | {100 * cpu_s / wall:.0f} | {1000 * cpu_s / (calls * wall):.3f} |")
PY
  done
done
