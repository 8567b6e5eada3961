#!/usr/bin/env bash
# webrtc-gw's port-range mode for browser media (--media-port-range): each
# call leg gets its own UDP port (candidates carry it) instead of sharing
# the shard's port. bench/gw_load runs 20 echo calls for 4 s over 2 media
# threads: every call up, no loss; while they run, 20 ports of the range are
# bound; afterwards none; the shared --media-port saw no media. A range too
# small for the calls refuses the excess with "overloaded", not a crash.
source "$(dirname "$0")/lib.sh"
gw_require python3 curl timeout ss
GW=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
LOAD=$GW_BUILD_DIR/bench/gw_load
T=$GW_TMP
gw_local_ports
LO=36600 HI=36699

gw_bg "$GW" --public-bind 127.0.0.1 --https-port "$HTTPS" --media-port "$MEDIA" --media-threads 2 \
  --media-port-range "$LO-$HI" --state-dir "$T/state" --skip-plan-check --json >"$T/gw.out" 2>"$T/gw.err"
gw_pid=$GW_LAST_PID
gw_wait_https "$HTTPS"
check "the gateway answers /healthz" curl -skf -o /dev/null "https://127.0.0.1:$HTTPS/healthz"
# The gateway's own sockets only: gw_load's ephemeral ports may fall in the range too.
bound() { ss -uanp | grep "pid=$gw_pid," | awk '{print $4}' | grep -Ec ":366[0-9][0-9]$" || true; }

timeout 60 "$LOAD" --gateway "127.0.0.1:$HTTPS" --calls 20 --rate 40 --duration 4 --max-loss 0 --json \
  >"$T/load.json" 2>"$T/load.err" &
load_pid=$!
GW_PIDS+=("$load_pid")
sleep 2.5
during=$(bound)
wait "$load_pid"
load_rc=$?
check "gw_load: 20 echo calls, all up, no loss (exit $load_rc)" test "$load_rc" = 0
check "20 calls up" python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print("   ", d["calls_up"], "up,", d["packets_sent"], "sent,", d["packets_received"], "received", file=sys.stderr); sys.exit(d["calls_up"]!=20 or d["packets_received"]<2000)' "$T/load.json"
check "a port of the range per leg while the calls ran ($during bound)" test "$during" = 20
sleep 1
check "no port of the range bound after the calls ($(bound))" test "$(bound)" = 0

# A range of 3 ports for 5 calls: 3 come up, 2 are refused (overloaded).
gw_stop "$gw_pid"
gw_bg "$GW" --public-bind 127.0.0.1 --https-port "$HTTPS" --media-port "$MEDIA" --media-threads 1 \
  --media-port-range "$LO-$((LO + 2))" --state-dir "$T/state" --skip-plan-check --json >"$T/gw2.out" 2>"$T/gw2.err"
gw_pid=$GW_LAST_PID
gw_wait_https "$HTTPS"
timeout 60 "$LOAD" --gateway "127.0.0.1:$HTTPS" --calls 5 --duration 2 --setup-timeout 5 --json \
  >"$T/load2.json" 2>"$T/load2.err" || true
check "a too-small range: 3 calls up, the rest refused" python3 -c 'import json,sys
d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print(d["calls_up"], d["failures"], file=sys.stderr)
sys.exit(d["calls_up"]!=3)' "$T/load2.json"
check "the gateway is still serving" curl -skf -o /dev/null "https://127.0.0.1:$HTTPS/healthz"
gw_stop "$gw_pid"
rc=$?
check "SIGTERM: exit 0 ($rc)" test "$rc" = 0
[[ $GW_FAILS -gt 0 ]] && { tail -n 20 "$T/gw.err" "$T/load.err" "$T/load2.err" >&2; }
gw_finish
