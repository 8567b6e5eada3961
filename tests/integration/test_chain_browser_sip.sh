#!/usr/bin/env bash
# The same call as webrtc-gw's, carried by the chained tools alone (issue 7):
# examples/browser-to-sip/call.sh connects a Chromium customer (playwright-core,
# tests/browser/echo.mjs, fake microphone) through ice-session ⇄
# srtp-rtp-bridge ⇄ sip-leg to a SIP agent, sipp (sip-tester) with -rtp_echo.
#
#   [ns "web"]               [ns "gw": the chain]            [ns "sip"]
#   Chromium + node   --veth-- eth0 198.51.100.1 (ICE)
#   eth0 198.51.100.7          eth1 203.0.113.1 (SIP, RTP) --veth-- eth0 203.0.113.10
#                              no forwarding between them          sipp UAS :5060
#
# 1. The page goes away: the answer carries PCMU (what sipp answered) with
#    the browser's payload type; inbound-rtp packetsReceived (the echo through
#    SIP) rises at every 1 s step for >= 5 s; sip-leg relayed RTP both ways;
#    after the page closes, ice-session loses consent (~8 s), sip-leg sends
#    BYE (sipp saw INVITE and BYE, its call completed) and the script exits
#    within 30 s, leaving no process in the chain's namespace.
#    GW_CHAIN_HANGUP=1: the page calls pc.close() first (a hang-up button);
#    its DTLS close_notify ends the bridge, and the BYE follows at once.
# 2. The agent hangs up (sipp scenario tests/sip/uas_echo_bye.xml, BYE 14 s
#    after the answer): audio rises as above, then sip-leg exits 5 (remote
#    BYE), the script exits 5 within 3 s and stops ice-session and the bridge,
#    whose DTLS close_notify ends the call in the page within 5 s.
# Bounded: every process gets at most what is left of 80 s.
source "$(dirname "$0")/lib.sh"
gw_require ip python3 node timeout sipp
# A TERM/INT (a user, a runner) must still clean up: bash runs the EXIT trap
# (gw_cleanup) only when it exits, not when an untrapped signal kills it.
trap 'exit 143' TERM INT
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
BROWSER_DIR=$GW_SOURCE_DIR/tests/browser
CALL=$GW_SOURCE_DIR/examples/browser-to-sip/call.sh
T=$GW_TMP
chmod 755 "$T"
deadline=$((SECONDS + 80))
left() { echo $((deadline - SECONDS > 1 ? deadline - SECONDS : 1)); }

if [[ ! -x $CHROMIUM || ! -d $BROWSER_DIR/node_modules/playwright-core ]]; then
  gw_log "needs $CHROMIUM and tests/browser/node_modules: run scripts/install-deps.sh (apt chromium, npm ci --prefix tests/browser)"
  exit 1
fi

web='' gwns='' sip='' node_pid='' call_pid='' sipp_pid=''
gw_netns web web && gw_netns gwns gw && gw_netns sip sip || exit 1
gw_link "$web" eth0 198.51.100.7/24 "$gwns" eth0 198.51.100.1/24 || exit 1
gw_link "$gwns" eth1 203.0.113.1/24 "$sip" eth0 203.0.113.10/24 || exit 1
ip -n "$web" route add default via 198.51.100.1
ip netns exec "$gwns" sysctl -qw net.ipv4.ip_forward=0

# ev FILE EVENT: the first JSON line with that event.
ev() { grep -m1 "\"event\":\"$2\"" "$1" 2>/dev/null; }
# field JSON KEY (dotted).
field() { python3 -c 'import json,sys
v=json.loads(sys.argv[1] or "{}")
for k in sys.argv[2].split("."): v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)' "$1" "$2"; }
# rising DIR NODE_RC: echo.mjs's verdict (exit 0, ok, span >= 5 s, >= 200 packets).
rising() {
  [[ $2 -eq 0 ]] && [[ $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["ok"] and r["span"]>=5 and r["packetsReceived"][-1][1]>=200)' "$1/result.json" 2>/dev/null) == True ]]
}
chain_empty() { [[ -z $(ip netns pids "$gwns") ]]; }
# within A B MAX: B - A <= MAX seconds (floats).
within() { [[ -n $1 && -n $2 ]] && python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) <= float(sys.argv[3]) else 1)' "$1" "$2" "$3"; }
answer_ok() { # ANSWER.sdp
  grep -q $'^m=audio 9 UDP/TLS/RTP/SAVPF 0\r$' "$1" && grep -q '^a=rtpmap:0 PCMU/8000' "$1" && ! grep -q '^a=rtpmap:126' "$1" \
    && grep -q '^a=group:BUNDLE 0' "$1" && grep -q '^a=setup:passive' "$1" && grep -q '^a=candidate:.* 198\.51\.100\.1 ' "$1"
}
invite_ok() { # SIPP.msgs
  grep -q '^INVITE sip:agent@203.0.113.10:5060 ' "$1" && grep -q '^m=audio [0-9]* RTP/AVP 0 8 126' "$1"
}
remote_end_ok() { # CALL_RC ENDED_EVENT BYE_AT CALL_END
  [[ $1 == 5 && $(field "$2" cause) == remote_hangup ]] && within "$3" "$4" 3
}
relayed_ok() { # ENDED_EVENT: >= 200 packets each way through sip-leg
  python3 -c 'import json,sys
r=json.loads(sys.argv[1] or "{}").get("rtp", {})
sys.exit(0 if all(r.get(k, 0) >= 200 for k in ("from_pipe", "to_peer", "from_peer", "to_pipe")) else 1)' "$1"
}
# sipp_ok RC DIR: sipp exited 0 and counted one successful call (on SIGTERM it
# also exits 0, with the call still current).
sipp_ok() {
  [[ $1 == 0 ]] && grep -qE 'Successful call +\| +[0-9]+ +\| +1 ' "$2/sipp.log"
}
sipp_bye_ok() { grep -q '^BYE sip:' "$2/sipp.msgs" && sipp_ok "$@"; }

# start_case DIR SIP_PORT MEDIA_PORT BASE_PORT SIPP_ARGS... -- BROWSER_ARGS...:
# sipp in "sip", Chromium in "web", then call.sh in "gw" once the offer is there.
start_case() {
  local dir=$1 sport=$2 mport=$3 base=$4; shift 4
  local sipp_args=() node_args=()
  while (($#)) && [[ $1 != -- ]]; do sipp_args+=("$1"); shift; done
  (($#)) && shift
  node_args=("$@")
  mkdir -p "$dir/work"; chmod 755 "$dir"
  gw_bg timeout "$(left)" ip netns exec "$sip" env -C "$dir" sipp "${sipp_args[@]}" -i 203.0.113.10 -p "$sport" \
    -mi 203.0.113.10 -mp "$mport" -rtp_echo -m 1 -nostdin -trace_msg -message_file "$dir/sipp.msgs" -trace_err -error_file "$dir/sipp.err" \
    >"$dir/sipp.log" 2>&1
  sipp_pid=$GW_LAST_PID
  gw_wait_udp "$sip" "$sport" || return 1
  gw_bg timeout "$(left)" ip netns exec "$web" env HOME="$T" node "$BROWSER_DIR/echo.mjs" --dir "$dir" "${node_args[@]}"
  node_pid=$GW_LAST_PID
  for _ in $(seq 300); do [[ -e $dir/offer.sdp ]] && break; sleep 0.1; done
  [[ -e $dir/offer.sdp ]] || { gw_log "no offer from Chromium"; return 1; }
  gw_bg timeout "$(left)" ip netns exec "$gwns" env GW_BUILD_DIR="$GW_BUILD_DIR" BIND=198.51.100.1 \
    BASE_PORT="$base" SIP_BIND="udp:203.0.113.1:$((sport + 10))" SIP_RTP=udp:203.0.113.1:0 \
    "$CALL" "$dir/offer.sdp" "$dir/answer.sdp" "sip:agent@203.0.113.10:$sport" "$dir/work"
  call_pid=$GW_LAST_PID
  for _ in $(seq 200); do [[ -e $dir/answer.sdp ]] && break; sleep 0.1; done
  [[ -e $dir/answer.sdp ]] && sed 's/^/  answer: /' "$dir/answer.sdp" | tr -d '\r' | grep -v 'candidate\|ice-\|fingerprint' >&2
  return 0
}

# reaped PID: forget a PID we waited for (the cleanup must not signal it: the
# number may belong to another process by then).
reaped() {
  local p keep=()
  for p in "${GW_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  GW_PIDS=("${keep[@]}")
}
# wait_exit PID SECONDS: sets RC to its exit status, or empty if still running.
wait_exit() {
  RC=
  for _ in $(seq $(($2 * 10))); do
    kill -0 "$1" 2>/dev/null || { wait "$1"; RC=$?; reaped "$1"; return 0; }
    sleep 0.1
  done
  return 1
}
# stop_left PID...: gw_stop those not reaped yet.
stop_left() {
  local p q
  for p in "$@"; do
    for q in "${GW_PIDS[@]}"; do [[ $q == "$p" ]] && { gw_stop "$p"; reaped "$p"; break; }; done
  done
}

report_rtp() { # DIR: sip-leg's RTP counters at the end of the call, and the bridge's last stats
  local ended
  ended=$(ev "$1/work/sip.events" ended)
  gw_log "sip-leg ended: cause $(field "$ended" cause), rtp $(field "$ended" rtp)"
  [[ -e $1/result.json ]] && gw_log "packetsReceived [t s, count]: $(json_get "$1/result.json" packetsReceived)"
}

dump_logs() { # DIR
  local f
  for f in "$1"/work/*.log "$1/sipp.log" "$1/sipp.err"; do [[ -e $f ]] && { gw_log "== $f"; tail -n 12 "$f" >&2; }; done
  [[ -e $1/result.json ]] && { gw_log "== result.json"; tail -c 1500 "$1/result.json" >&2; }
}

echo "== 1. customer Chromium -> SIP agent (sipp echo); the page hangs up"
C1=$T/c1
hangup=(); [[ ${GW_CHAIN_HANGUP:-0} == 1 ]] && hangup=(--hangup)
if start_case "$C1" 5060 6000 46100 -sn uas -- --seconds 6 "${hangup[@]}"; then
  check "answer: PCMU (sipp's choice) with the browser's payload type 0, no telephone-event (sipp has none), BUNDLE, passive" \
    answer_ok "$C1/answer.sdp"
  check "sipp got an INVITE offering the browser's payload types PCMU 0, PCMA 8, telephone-event 126" invite_ok "$C1/sipp.msgs"
  wait "$node_pid"; node_rc=$?; reaped "$node_pid"
  check "getStats(): inbound audio packetsReceived (the echo through SIP) rises over >= 5 s" rising "$C1" "$node_rc"
  closed=$(cat "$C1/hungup" 2>/dev/null || cat "$C1/closed" 2>/dev/null || date +%s.%N)
  wait_exit "$call_pid" 30
  call_rc=$RC
  call_end=$(date +%s.%N)
  gw_log "call.sh exited with ${call_rc:-nothing (still running)} $(python3 -c "print(round($call_end - $closed, 1))") s after the page $([[ -e $C1/hungup ]] && echo 'hung up (pc.close)' || echo closed)"
  ended=$(ev "$C1/work/sip.events" ended)
  report_rtp "$C1"
  check "sip-leg relayed RTP both ways (>= 200 packets pipe -> sipp and sipp -> pipe)" relayed_ok "$ended"
  check "page closed -> within 30 s sip-leg hung up (local_hangup: BYE) and call.sh exited" \
    bash -c "[[ -n '$call_rc' && '$(field "$ended" cause)' == local_hangup ]]"
  check "nothing left running in the chain's namespace" chain_empty
  wait_exit "$sipp_pid" 10
  check "sipp saw the BYE and completed its call (exit 0, 1 successful call)" \
    sipp_bye_ok "$RC" "$C1"
else
  check "case 1 set up (sipp, Chromium's offer)" false
fi
((GW_FAILS)) && dump_logs "$C1"
stop_left "$node_pid" "$call_pid" "$sipp_pid"

echo "== 2. the SIP agent hangs up (BYE 14 s after answering)"
C2=$T/c2
fails_before=$GW_FAILS
if start_case "$C2" 5062 6010 46200 -sf "$GW_SOURCE_DIR/tests/sip/uas_echo_bye.xml" -d 14000 -- --seconds 6 --wait-end 20; then
  wait_exit "$call_pid" "$(left)"
  call_rc=$RC
  call_end=$(date +%s.%N)
  ended=$(ev "$C2/work/sip.events" ended)
  bye_at=$(python3 -c "import sys; print(int(sys.argv[1] or 0) / 1000)" "$(field "$ended" ts)")
  gw_log "call.sh exited with ${call_rc:-nothing (still running)} $(python3 -c "print(round($call_end - $bye_at, 1))") s after sipp's BYE"
  check "sipp's BYE -> sip-leg ended (remote_hangup), call.sh exited 5 within 3 s" \
    remote_end_ok "$call_rc" "$ended" "$bye_at" "$call_end"
  check "nothing left running in the chain's namespace (ice-session, bridge stopped)" chain_empty
  wait "$node_pid"; node_rc=$?; reaped "$node_pid"
  report_rtp "$C2"
  check "getStats(): inbound audio packetsReceived rises over >= 5 s before the agent hangs up" rising "$C2" "$node_rc"
  page_end=$(json_get "$C2/result.json" ended.at 2>/dev/null)
  gw_log "the page saw the end: $(json_get "$C2/result.json" ended 2>/dev/null)"
  check "the page learns of the hang-up within 5 s of the BYE (DTLS close_notify from the bridge)" within "$bye_at" "$page_end" 5
  wait_exit "$sipp_pid" 10
  check "sipp's scenario completed (its BYE got 200 OK: exit 0, 1 successful call)" sipp_ok "$RC" "$C2"
else
  check "case 2 set up (sipp, Chromium's offer)" false
fi
((GW_FAILS > fails_before)) && dump_logs "$C2"
stop_left "$node_pid" "$call_pid" "$sipp_pid"
gw_log "took $SECONDS s"
gw_finish
