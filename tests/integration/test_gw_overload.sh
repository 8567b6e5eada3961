#!/usr/bin/env bash
# Overload must degrade webrtc-gw, never silence a call for good (issue 6;
# rtpengine silences a call for good after a burst of overload).
# 40 echo calls from bench/gw_load over one media thread for 14 s, with two
# overloads in the middle:
#  - a stall: the gateway is stopped (SIGSTOP) for 2 s, so ~4,000 packets
#    queue or are dropped by the kernel, then a burst arrives at once
#    (SRTP replay windows, DTLS, consent must all survive it);
#  - a flood: ~2 s of junk datagrams at the media port from another process
#    (each a counted drop: unknown_source in the stats event).
# Checks: every call up; after the overloads every call gets its echo again
# (gw_load's calls_silent_at_end = 0); the drops are counted; the gateway
# still answers and exits 0 on SIGTERM.
source "$(dirname "$0")/lib.sh"
gw_require python3 curl timeout
GW=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
LOAD=$GW_BUILD_DIR/bench/gw_load
T=$GW_TMP
gw_local_ports

gw_bg "$GW" --public-bind 127.0.0.1 --https-port "$HTTPS" --media-port "$MEDIA" --media-threads 1 \
  --state-dir "$T/state" --skip-plan-check --json >"$T/gw.out" 2>"$T/gw.err"
gw_pid=$GW_LAST_PID
gw_wait_https "$HTTPS"
check "the gateway answers /healthz" curl -skf -o /dev/null "https://127.0.0.1:$HTTPS/healthz"

timeout 90 "$LOAD" --gateway "127.0.0.1:$HTTPS" --calls 40 --rate 40 --duration 14 --max-loss 100 --json \
  >"$T/load.json" 2>"$T/load.err" &
load_pid=$!
GW_PIDS+=("$load_pid")
sleep 4
kill -STOP "$gw_pid"
sleep 2
kill -CONT "$gw_pid"
sleep 2
# The flood: junk with RTP/DTLS/STUN-looking first bytes, as fast as Python goes.
python3 - "$MEDIA" >"$T/flood.txt" <<'PY'
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
port, n, end = int(sys.argv[1]), 0, time.time() + 2
firsts = [0x80, 0x16, 0x00, 0x01, 0x90, 0x40]
while time.time() < end:
    for f in firsts:
        s.sendto(bytes([f]) + os.urandom(171), ("127.0.0.1", port))
        n += 1
print(n)
PY
kill -USR1 "$gw_pid"  # a stats event with the drop counters
wait "$load_pid"
load_rc=$?
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1])
print("    calls_up=%s sent=%s received=%s loss_pct=%s silent_at_end=%s" % (d["calls_up"], d["packets_sent"],
      d["packets_received"], d.get("loss_pct"), d["calls_silent_at_end"]), file=sys.stderr)' "$T/load.json"
check "gw_load ran to the end (exit $load_rc)" test "$load_rc" = 0
check "40 calls up" python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); sys.exit(d["calls_up"]!=40)' "$T/load.json"
check "the stall held echoes back >= 1.5 s (it was an overload)" python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print("    rtt_ms", d.get("rtt_ms"), file=sys.stderr); sys.exit(d["rtt_ms"]["max"] < 1500)' "$T/load.json"
check "every call has its echo back after the overloads (none silenced for good)" \
  python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); sys.exit(d["calls_silent_at_end"]!=0)' "$T/load.json"
flooded=$(cat "$T/flood.txt")
check "the flood ($flooded datagrams) was counted as drops" python3 -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if "\"event\":\"stats\"" in l]
sh=ev[-1]["shards"][0] if ev else {}
print("    shard drops:", {k: v for k, v in sh.items() if k not in ("port", "legs")}, file=sys.stderr)
sys.exit(not ev or sh["unknown_source"] + sh["stun_malformed"] + sh["stun_unknown_ufrag"] < int(sys.argv[2]) // 4)' "$T/gw.out" "$flooded"
check "the gateway still answers" curl -skf -o /dev/null "https://127.0.0.1:$HTTPS/healthz"
gw_stop "$gw_pid"
rc=$?
check "SIGTERM: exit 0 ($rc)" test "$rc" = 0
[[ $GW_FAILS -gt 0 ]] && tail -n 20 "$T/gw.err" "$T/load.err" >&2
gw_finish
