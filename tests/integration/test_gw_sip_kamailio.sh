#!/usr/bin/env bash
# webrtc-gw in SIP mode against Kamailio (tests/sip/kamailio.cfg, digest on
# REGISTER) and sipp, on loopback, without a browser (the lab test has the
# browsers): bench/gw_load is the customer (HTTPS offer, ICE, DTLS-SRTP,
# PCMU) and tests/integration/gw_sip_agent.py a browser agent's signaling.
#  1. 10 customer calls x 4 s to sip:echo@ (sipp -rtp_echo) through Kamailio
#     as outbound proxy: every call up, no loss; the RTP ports are released;
#  2. an agent signs in as alice: REGISTER with digest at Kamailio; a sipp
#     UAC calls alice through Kamailio: the agent gets incoming-call, answers,
#     sipp's BYE ends it (remote-hangup);
#  3. the agent's WebSocket closes: un-REGISTER (200) at once;
#  4. an INVITE for a DN nobody signed in as: 480 within 1 s;
#  5. an agent rejecting as busy: the SIP caller gets 486;
#  6. an agent that never answers: the caller gets 480 at the ring timeout;
#     a customer call to a SIP side that rings forever: CANCEL at the ring
#     timeout (sipp uas_ring_cancel.xml passes);
#  7. a customer (WebSocket) calls a sipp UAS that challenges the INVITE
#     (407, the gateway's --sip-user) and answers 183 with SDP first: the
#     customer gets early-media, then answered; hold and resume by re-INVITE
#     (a=sendonly, then sendrecv) against sipp's uas_hold.xml;
#  7b. bob, signed in, calls a sipp UAS: the INVITE is From sip:bob@ (the
#     agent's AOR), not the gateway's --sip-from;
#  8. SIGTERM with an agent signed in: un-REGISTER, exit 0.
# Ports 35400-35499 and RTP 35700-35799.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need kamailio sipp python3 timeout ss
GW_BIN=$BUILD/tools/webrtc-gw/webrtc-gw
LOAD=$BUILD/bench/gw_load
AGENT="python3 $SRC/tests/integration/gw_sip_agent.py"
[[ -x $GW_BIN && -x $LOAD ]] || fail "webrtc-gw or bench/gw_load not built"

KAM=35400 ECHO=35410 ECHO_MEDIA=35420 GWSIP=35430 HTTPS=35443 MEDIA=35450 UAC=35460 UAC_MEDIA=35470
RING=35480 LEG=35490 UAS2=35415 UAS2_MEDIA=35425
start_kamailio $KAM
bg ECHO_PID timeout 120 sipp -sn uas -i 127.0.0.1 -p $ECHO -mi 127.0.0.1 -mp $ECHO_MEDIA -rtp_echo -nostdin \
  >"$TMP/sipp-echo.log" 2>&1
bg RING_PID timeout 120 sipp -sf "$SIPDIR/uas_ring_cancel.xml" -i 127.0.0.1 -p $RING -m 1 -nostdin \
  >"$TMP/sipp-ring.log" 2>&1
printf '# DN PASSWORD\nalice alice-secret\nbob bob-secret\n' >"$TMP/creds"
bg GW_PID timeout 150 "$GW_BIN" --public-bind 127.0.0.1 --https-port $HTTPS --media-port $MEDIA --media-threads 1 \
  --private-bind 127.0.0.1 --sip-port $GWSIP --sip-registrar "sip:127.0.0.1:$KAM" --sip-domain 127.0.0.1 \
  --sip-credentials "$TMP/creds" --sip-user carol --sip-password pw --sip-from sip:carol@sipp.test \
  --rtp-ports 35700-35799 --ring-timeout 3 --state-dir "$TMP/state" \
  --skip-plan-check --json ${GW_EXTRA_ARGS:-} >"$TMP/gw.out" 2>"$TMP/gw.err"
wait_for "$TMP/gw.out" '"event":"listening"' 10
grep -q '"sip":"udp:127.0.0.1:35430"' "$TMP/gw.out" || fail "listening event lacks the SIP address"

# wait_count FILE REGEX N [SECONDS]: until more than N lines of FILE match.
wait_count() {
  local i
  for ((i = 0; i < ${4:-10} * 10; i++)); do
    (($(grep -Ec -- "$2" "$1" 2>/dev/null) > $3)) && return 0
    sleep 0.1
  done
  fail "timed out waiting for more than $3 lines /$2/ in $1"
}
bob_registered() { grep -Ec '"dn":"bob","state":"registered"' "$TMP/gw.out" || true; }

rtp_ports_bound() { ss -uan | awk '{print $4}' | grep -Ec ':357[0-9][0-9]$' || true; }

echo "== 1. 10 customer calls to a SIP echo through Kamailio"
timeout 60 "$LOAD" --gateway 127.0.0.1:$HTTPS --target "sip:echo@127.0.0.1:$ECHO" --calls 10 --rate 20 \
  --duration 4 --bind 127.0.0.1 --max-loss 0 >"$TMP/load.json" 2>"$TMP/load.err" || fail "gw_load failed"
python3 - "$TMP/load.json" <<'PY' || fail "load result"
import json, sys
r = json.load(open(sys.argv[1]))
print(f"calls_up={r['calls_up']} sent={r['packets_sent']} received={r['packets_received']} setup_median={r['setup_ms']['median']} ms")
assert r["calls_up"] == 10 and r["packets_sent"] > 1500 and r["packets_received"] == r["packets_sent"], r
PY
sleep 1
[[ $(rtp_ports_bound) == 0 ]] || fail "RTP ports still bound after the calls: $(rtp_ports_bound)"
[[ $(grep -c '"event":"call-ended"' "$TMP/gw.out") == 10 ]] || fail "not 10 call-ended events"

echo "== 2. alice signs in (REGISTER at Kamailio) and is called through Kamailio"
bg AGENT_PID timeout 40 $AGENT 127.0.0.1 $HTTPS alice --calls 1 --seconds 30 >"$TMP/alice.out" 2>"$TMP/alice.err"
wait_for "$TMP/gw.out" '"event":"sip-registration","ts":[0-9]+,"dn":"alice","state":"registered","status":200' 10
wait_for "$TMP/alice.out" '"event": "registration".*"state": "registered"' 5
timeout 20 sipp -sn uac "127.0.0.1:$KAM" -s alice -i 127.0.0.1 -p $UAC -mi 127.0.0.1 -mp $UAC_MEDIA -m 1 \
  -nostdin >"$TMP/sipp-uac.log" 2>&1 || fail "sipp's call to alice through Kamailio failed"
wait_exit "$AGENT_PID" 10
[[ $RC == 0 ]] || fail "agent exit $RC"
grep -qE '"event": "incoming-call".*a=(ice-lite|ice-options:trickle)' "$TMP/alice.out" || fail "no WebRTC incoming-call offer"
grep -q '"event": "ended".*"reason": "remote-hangup"' "$TMP/alice.out" || fail "the call did not end remote-hangup"

echo "== 3. the agent's WebSocket is gone: un-REGISTER"
wait_for "$TMP/gw.out" '"dn":"alice","state":"unregistered","status":200' 5

echo "== 4. an INVITE for a DN nobody signed in as: 480 at once"
start=$(date +%s%N)
rc=0
timeout 15 "$SIPLEG" call "sip:bob@127.0.0.1:$GWSIP" --bind "udp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 \
  --rtp-ports 35600-35699 --timeout 10 --json >"$TMP/leg480.out" 2>"$TMP/leg480.err" || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
grep -q '"status":480' "$TMP/leg480.out" || fail "no 480 for a DN not signed in (rc $rc)"
(( ms < 2000 )) || fail "480 took $ms ms"
echo "480 after $ms ms"

echo "== 5. bob rejects as busy: the SIP caller gets 486"
n=$(bob_registered)
bg AGENT_PID timeout 30 $AGENT 127.0.0.1 $HTTPS bob --reject busy --calls 1 --seconds 20 >"$TMP/bob.out" 2>"$TMP/bob.err"
wait_count "$TMP/gw.out" '"dn":"bob","state":"registered"' "$n" 10
rc=0
timeout 15 "$SIPLEG" call "sip:bob@127.0.0.1:$KAM" --proxy "sip:127.0.0.1:$KAM" --bind "udp:127.0.0.1:$LEG" \
  --rtp udp:127.0.0.1:0 --rtp-ports 35600-35699 --timeout 10 --json >"$TMP/leg486.out" 2>"$TMP/leg486.err" || rc=$?
[[ $rc == 10 ]] || fail "busy: sip-leg exit $rc, want 10"
grep -q '"status":486' "$TMP/leg486.out" || fail "no 486"
wait_exit "$AGENT_PID" 10

echo "== 6. ring timeouts: 480 to a SIP caller, CANCEL to a SIP callee"
n=$(bob_registered)
bg AGENT_PID timeout 30 $AGENT 127.0.0.1 $HTTPS bob --ignore --calls 1 --seconds 20 >"$TMP/bob2.out" 2>"$TMP/bob2.err"
wait_count "$TMP/gw.out" '"dn":"bob","state":"registered"' "$n" 10
rc=0
timeout 15 "$SIPLEG" call "sip:bob@127.0.0.1:$KAM" --proxy "sip:127.0.0.1:$KAM" --bind "udp:127.0.0.1:$LEG" \
  --rtp udp:127.0.0.1:0 --rtp-ports 35600-35699 --timeout 10 --json >"$TMP/legring.out" 2>"$TMP/legring.err" || rc=$?
grep -q '"status":480' "$TMP/legring.out" || fail "no 480 after the ring timeout (rc $rc)"
wait_exit "$AGENT_PID" 10
grep -q '"event": "ended".*"reason": "no-answer"' "$TMP/bob2.out" || fail "the agent was not told no-answer"
timeout 20 "$LOAD" --gateway 127.0.0.1:$HTTPS --target "sip:ring@127.0.0.1:$RING" --calls 1 --duration 1 \
  --bind 127.0.0.1 --setup-timeout 10 >"$TMP/load-ring.json" 2>"$TMP/load-ring.err" || true
wait_exit "$RING_PID" 10
[[ $RC == 0 ]] || fail "sipp uas_ring_cancel exit $RC (no CANCEL?)"

echo "== 7. digest on INVITE, early media, hold and resume by re-INVITE"
bg UAS2_PID timeout 30 sipp -sf "$SIPDIR/uas_auth_early.xml" -i 127.0.0.1 -p $UAS2 -mi 127.0.0.1 -mp $UAS2_MEDIA \
  -m 1 -nostdin >"$TMP/sipp-early.log" 2>&1
wait_udp_port "$UAS2"
timeout 20 $AGENT 127.0.0.1 $HTTPS - --call "sip:auth@127.0.0.1:$UAS2" --seconds 15 >"$TMP/early.out" 2>"$TMP/early.err" ||
  fail "the early-media call failed"
grep -q '"event": "early-media".*m=audio' "$TMP/early.out" || fail "no early-media event with an answer"
grep -q '"event": "answered"' "$TMP/early.out" || fail "not answered after early media"
wait_exit "$UAS2_PID" 10
[[ $RC == 0 ]] || fail "sipp uas_auth_early exit $RC (407 answered as carol? BYE?)"
bg UAS2_PID timeout 30 sipp -sf "$SIPDIR/uas_hold.xml" -i 127.0.0.1 -p $UAS2 -mi 127.0.0.1 -mp $UAS2_MEDIA \
  -m 1 -nostdin >"$TMP/sipp-hold.log" 2>&1
wait_udp_port "$UAS2"
timeout 20 $AGENT 127.0.0.1 $HTTPS - --call "sip:hold@127.0.0.1:$UAS2" --hold --seconds 15 >"$TMP/hold.out" \
  2>"$TMP/hold.err" || fail "the hold call failed"
wait_exit "$UAS2_PID" 10
[[ $RC == 0 ]] || fail "sipp uas_hold exit $RC (no re-INVITE sendonly/sendrecv, or no BYE)"

echo "== 7b. a signed-in agent's own call goes out as its AOR (From: sip:bob@)"
bg UAS2_PID timeout 30 sipp -sn uas -i 127.0.0.1 -p $UAS2 -mi 127.0.0.1 -mp $UAS2_MEDIA -m 1 -nostdin \
  -trace_msg -message_file "$TMP/from.msg" >"$TMP/sipp-from.log" 2>&1
wait_udp_port "$UAS2"
timeout 20 $AGENT 127.0.0.1 $HTTPS bob --call "sip:from@127.0.0.1:$UAS2" --seconds 15 >"$TMP/from.out" \
  2>"$TMP/from.err" || fail "bob's own call failed"
wait_exit "$UAS2_PID" 10
grep -qiE '^From: *<sip:bob@127\.0\.0\.1>' "$TMP/from.msg" || fail "bob's INVITE is not From sip:bob@127.0.0.1: $(grep -i '^From:' "$TMP/from.msg" | head -1)"

echo "== 8. SIGTERM with an agent signed in: un-REGISTER, exit 0"
n=$(grep -c '"dn":"alice","state":"registered"' "$TMP/gw.out")
bg AGENT_PID timeout 30 $AGENT 127.0.0.1 $HTTPS alice --calls 0 --seconds 20 >"$TMP/alice2.out" 2>"$TMP/alice2.err"
wait_count "$TMP/gw.out" '"dn":"alice","state":"registered"' "$n" 10
n_unreg=$(grep -c '"dn":"alice","state":"unregistered","status":200' "$TMP/gw.out")
kill -TERM "$GW_PID"
wait_exit "$GW_PID" 10
[[ $RC == 0 ]] || fail "webrtc-gw exit $RC after SIGTERM"
[[ $(grep -c '"dn":"alice","state":"unregistered","status":200' "$TMP/gw.out") -gt $n_unreg ]] ||
  fail "no un-REGISTER at shutdown"
# Every SIP transaction ended before the stack stopped: none was left waiting
# (a 487 the gateway could not match would leave its INVITE open).
! grep -E "not yet ended|stack shutdown timed out|nua_shutdown not completed" "$TMP/gw.err" ||
  fail "the SIP stack did not shut down cleanly"
echo "PASS test_gw_sip_kamailio"
