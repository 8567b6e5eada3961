#!/usr/bin/env bash
# Two webrtc-gw builds under the same load, alternating run by run (A B A B
# ...), so that a change is judged on medians measured in one session of this
# shared machine, not against figures from another day.
#
# Usage: bench/gw_load/ab.sh [--rounds 2] [--calls "250 500"] BUILD_DIR_A BUILD_DIR_B [run.sh options]
#   e.g. bench/gw_load/ab.sh /tmp/base/build build --sip-echo
# Each run is `run.sh --pin --repeat 1 --signins 0 --no-doc` plus the options
# given; logs stay in a temporary directory. Prints one line per run and the
# medians of the gateway's CPU per call-second per build and call count.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=2 CALLS="250 500"
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --calls) CALLS=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
A=$1 B=$2; shift 2
for d in "$A" "$B"; do
  [ -x "$d/tools/webrtc-gw/webrtc-gw" ] || { echo "ab.sh: no webrtc-gw in $d" >&2; exit 2; }
done
T=$(mktemp -d /tmp/gw-ab.XXXXXX)
echo "# A: $A ($(git -C "$A/.." describe --always --dirty 2>/dev/null || echo '?'))"
echo "# B: $B ($(git -C "$B/.." describe --always --dirty 2>/dev/null || echo '?'))"
echo "# run.sh --pin --calls \"$CALLS\" --repeat 1 --signins 0 --no-doc $*   logs: $T"
for r in $(seq "$ROUNDS"); do
  for side in A B; do
    dir=$A
    [ "$side" = B ] && dir=$B
    GW_BUILD_DIR=$dir LOAD_BUILD_DIR=${LOAD_BUILD_DIR:-$SRC/build} "$SRC/bench/gw_load/run.sh" --pin --calls "$CALLS" \
      --repeat 1 --signins 0 --no-doc "$@" >"$T/$side-$r.log" 2>&1 || echo "# $side round $r: run.sh failed (see $T/$side-$r.log)"
    # Row columns: calls | up | sent % | loss % | RTT | set-up | ICE+DTLS | gw CPU % | load CPU % | ms per call-s | ...
    grep -E '^\| [0-9]+ \|' "$T/$side-$r.log" | awk -F'|' -v s="$side" -v r="$r" \
      '{gsub(/ /,""); printf "%s %s calls=%s loss%%=%s cpu%%=%s ms_per_call_s=%s rss_kib_per_call=%s\n", s, r, $2, $5, $9, $11, $14}' |
      tee -a "$T/rows.txt"
  done
done
echo "# medians (ms of gateway CPU per call-second)"
python3 - "$T/rows.txt" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split()[2:])
    runs.setdefault((int(f["calls"]), line.split()[0]), []).append(float(f["ms_per_call_s"]))
for calls in sorted({c for c, _ in runs}):
    a, b = runs.get((calls, "A")), runs.get((calls, "B"))
    if not a or not b:
        continue
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"calls {calls}: A {ma:.3f} (n={len(a)})  B {mb:.3f} (n={len(b)})  B/A {mb / ma:.2f}")
EOF
