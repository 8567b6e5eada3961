#!/usr/bin/env bash
# SRTP relay benchmark (design brief §8): the bare loop (recvmmsg +
# srtp_(un)protect + sendmmsg, bench/srtp/srtp_bench.cpp) against
# srtp-rtp-bridge (SDES-keyed, same keys) on the same offered load, per
# direction, profile and packet size. Reports packets per CPU-second of the
# relay process (utime+stime from /proc), the ratio, loss, and latency
# p50/p99 measured by the load generator (send -> relayed -> received).
# Usage: bench/srtp/run.sh [BUILD_DIR] [RATE_PPS] [COUNT]   -> Markdown on stdout
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build}
RATE=${2:-40000}
COUNT=${3:-200000}
BRIDGE=$BUILD/tools/srtp-rtp-bridge/srtp-rtp-bridge
T=$(mktemp -d /tmp/gw-srtp-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
BENCH=$T/srtp_bench
g++ -O2 -std=c++20 -I"$SRC/libcore" "$SRC/bench/srtp/srtp_bench.cpp" "$SRC/libcore/srtp/openssl_gcm.cpp" \
  $(pkg-config --cflags --libs libsrtp2 libcrypto) -o "$BENCH"
TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ports() { python3 "$SRC/tests/integration/srtp_helper.py" ports "$1"; }
b64() { python3 -c "import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())" "$1"; }

KEY_gcm=$(openssl rand -hex 28); SUITE_gcm=AEAD_AES_128_GCM
KEY_cm=$(openssl rand -hex 30); SUITE_cm=AES_CM_128_HMAC_SHA1_80

run_one() {  # impl profile size dir -> "pps_per_cpu received p50 p99"
  local impl=$1 profile=$2 size=$3 dir=$4 key suite line other in out x pid c0 c1 res send op
  eval "key=\$KEY_$profile; suite=\$SUITE_$profile"
  line="1 $suite inline:$(b64 "$key")"
  other=$("$BRIDGE" --gen-sdes "$suite")
  read -r in out x <<<"$(ports 3)"
  if [ "$dir" = s2p ]; then send=srtp; op=unprotect; else send=rtp; op=protect; fi
  if [ "$impl" = bare ]; then
    "$BENCH" relay --in "$in" --out "$out" --profile "$profile" --key "$key" --op "$op" >/dev/null &
  elif [ "$dir" = s2p ]; then
    "$BRIDGE" -q --secure "udp:127.0.0.1:$in" --plain "udp:127.0.0.1:$x" --plain-rtcp-mux \
      --plain-remote "udp:127.0.0.1:$out" --sdes-remote "$line" --sdes-local "$other" </dev/null >/dev/null &
  else
    "$BRIDGE" -q --plain "udp:127.0.0.1:$in" --plain-rtcp-mux --secure "udp:127.0.0.1:$x" \
      --secure-remote "udp:127.0.0.1:$out" --sdes-local "$line" --sdes-remote "$other" </dev/null >/dev/null &
  fi
  pid=$!; PIDS+=("$pid")
  sleep 0.3
  c0=$(cpu_ticks "$pid")
  res=$("$BENCH" load --to "$in" --recv "$out" --profile "$profile" --key "$key" --send "$send" \
        --size "$size" --rate "$RATE" --count "$COUNT")
  c1=$(cpu_ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$res" "$c0" "$c1" "$TCK" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); cpu = (int(sys.argv[3]) - int(sys.argv[2])) / int(sys.argv[4])
print(f"{r['received'] / cpu if cpu else float('inf'):.0f} {r['sent'] - r['received']} {r['p50_us']} {r['p99_us']}")
PY
}

echo "## SRTP relay: srtp-rtp-bridge vs the bare loop"
echo
echo "$(date -u +%F), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), offered load $RATE pps, $COUNT packets per run."
echo "Command: \`bench/srtp/run.sh $BUILD $RATE $COUNT\`. One run per cell; the machine is shared, expect ±10%."
echo
echo "| direction | profile | size | bare pkt/CPU-s | bridge pkt/CPU-s | ratio | loss bare/bridge | p50 µs bare/bridge | p99 µs bare/bridge |"
echo "|---|---|---|---|---|---|---|---|---|"
for dir in s2p p2s; do
  for profile in gcm cm; do
    for size in 172 1000; do
      read -r bp bl b50 b99 <<<"$(run_one bare "$profile" "$size" "$dir")"
      read -r gp gl g50 g99 <<<"$(run_one bridge "$profile" "$size" "$dir")"
      ratio=$(python3 -c "print(f'{$gp / $bp * 100:.0f}%')")
      name=$([ "$dir" = s2p ] && echo "SRTP→RTP" || echo "RTP→SRTP")
      echo "| $name | $profile | $size | $bp | $gp | $ratio | $bl/$gl | $b50/$g50 | $b99/$g99 |"
    done
  done
done
