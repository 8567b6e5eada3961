#!/usr/bin/env bash
# webrtc-gw on IPv6 and dual stack: bound to "::" (one dual-stack socket per
# media thread), it announces host candidates of both families, and serves
# HTTPS on both. bench/gw_load calls `echo` from an IPv4 address and from an
# IPv6 address of a second namespace: every call up, no loss. Then bound to
# an IPv6 address only: IPv6 calls work, the candidates are IPv6 only.
#
#   [ns gw: 198.51.100.1/24, 2001:db8:100::1/64]--veth--[ns client: .7, ::7]
source "$(dirname "$0")/lib.sh"
gw_require ip python3 curl timeout
GW=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
LOAD=$GW_BUILD_DIR/bench/gw_load
T=$GW_TMP

gwns='' client=''
gw_netns gwns gw && gw_netns client client || exit 1
gw_link "$gwns" eth0 198.51.100.1/24 "$client" eth0 198.51.100.7/24 || exit 1
ip -n "$gwns" addr add 2001:db8:100::1/64 dev eth0 nodad
ip -n "$client" addr add 2001:db8:100::7/64 dev eth0 nodad

start_gw() {  # start_gw BIND OUT
  gw_bg timeout 60 ip netns exec "$gwns" "$GW" --public-bind "$1" --https-port 8443 --media-port 40000 \
    --media-threads 1 --state-dir "$T/state" --skip-plan-check --json >"$T/$2" 2>"$T/$2.err"
  gw_pid=$GW_LAST_PID
  for _ in $(seq 50); do grep -q '"event":"listening"' "$T/$2" && break; sleep 0.1; done
}
calls() {  # calls GATEWAY BIND OUT: 5 echo calls for 3 s, no loss
  timeout 40 ip netns exec "$client" "$LOAD" --gateway "$1" --bind "$2" --calls 5 --duration 3 --max-loss 0 \
    --json >"$T/$3" 2>"$T/$3.err" &&
    python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print("   ", d["calls_up"], "up,", d["packets_sent"], "sent,", d["packets_received"], "received", file=sys.stderr); sys.exit(d["calls_up"]!=5 or d["packets_received"]<d["packets_sent"] or d["packets_sent"]<600)' "$T/$3"
}

start_gw :: dual.out
check "dual stack: candidates of both families announced" python3 -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if "\"listening\"" in l][0]
a=ev["advertised"]; print("    advertised", a, file=sys.stderr)
sys.exit(not ("198.51.100.1" in a and "2001:db8:100::1" in a))' "$T/dual.out"
check "dual stack: 5 echo calls from IPv4, no loss" calls 198.51.100.1:8443 198.51.100.7 v4.json
check "dual stack: 5 echo calls from IPv6, no loss" calls "[2001:db8:100::1]:8443" 2001:db8:100::7 v6.json
gw_stop "$gw_pid"
check "dual stack: SIGTERM, exit 0" test $? = 0

start_gw 2001:db8:100::1 v6only.out
check "IPv6 only: only IPv6 candidates" python3 -c 'import json,sys
ev=[json.loads(l) for l in open(sys.argv[1]) if "\"listening\"" in l][0]
sys.exit(ev["advertised"] != ["2001:db8:100::1"])' "$T/v6only.out"
check "IPv6 only: 5 echo calls, no loss" calls "[2001:db8:100::1]:8443" 2001:db8:100::7 v6b.json
gw_stop "$gw_pid"
[[ $GW_FAILS -gt 0 ]] && tail -n 20 "$T"/*.err >&2
gw_finish
