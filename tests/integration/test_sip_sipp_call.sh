#!/usr/bin/env bash
# sip-leg call against sipp (Debian sip-tester) on loopback:
#  1. a sipp UAS with -rtp_echo: RTP sent into the pipe comes back intact;
#  2. a UAS answering 486: "ended" with status 486 and exit code 10 (busy);
#  3. a UAS that only rings: SIGINT sends CANCEL (exit 130), --timeout too (exit 3);
#  4. hold/resume by stdin commands: re-INVITEs with a=sendonly then a=sendrecv;
#  5. 407 then early media: the INVITE is sent again with Proxy-Authorization,
#     the 183's SDP is reported as early_media, then the answer;
#  6. 302: the call follows the Contact to a second UAS.
# Ports 35100-35199.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need sipp python3 timeout

UAS=35100 LEG=35110 MEDIA=35120 PIPE_OUT=35130 PIPE_IN=35132
common=(--bind "udp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 --json)

echo "== 1. audio through the pipe and back from sipp's RTP echo"
bg SIPP timeout 30 sipp -sn uas -i 127.0.0.1 -p $UAS -mi 127.0.0.1 -mp $MEDIA -rtp_echo -m 1 -nostdin \
  >"$TMP/sipp1.log" 2>&1
wait_udp_port "$UAS"
bg LEG_PID timeout 30 "$SIPLEG" call "sip:echo@127.0.0.1:$UAS" "${common[@]}" --duration 5 \
  --pipe "udp:127.0.0.1:$PIPE_OUT" --pipe-bind "udp:127.0.0.1:$PIPE_IN" >"$TMP/call1.out" 2>"$TMP/call1.err"
wait_for "$TMP/call1.out" '"event":"answered"'
probe=$(python3 "$SIPDIR/rtp_probe.py" $PIPE_IN $PIPE_OUT 100)
echo "probe: $probe"
intact=$(json_field "$probe" intact)
((intact >= 95)) || fail "only $intact of 100 RTP packets came back intact"
wait_exit "$LEG_PID" 15; rc=$RC
[[ $rc == 0 ]] || fail "call ended with exit $rc, want 0"
ended=$(event "$TMP/call1.out" ended)
[[ $(json_field "$ended" cause) == local_hangup ]] || fail "ended: $ended"
grep -q '"event":"trying"' "$TMP/call1.out" || fail "no trying event"
answered=$(event "$TMP/call1.out" answered)
[[ $(json_field "$answered" remote_rtp) == "127.0.0.1:$MEDIA" ]] || fail "answered: $answered"
[[ $(json_field "$answered" codec) == PCMU/8000 ]] || fail "codec: $answered"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp UAS failed"

echo "== 2. 486 Busy Here gives exit code 10"
bg SIPP timeout 20 sipp -sf "$SIPDIR/uas_busy.xml" -i 127.0.0.1 -p $UAS -m 1 -nostdin >"$TMP/sipp2.log" 2>&1
wait_udp_port "$UAS"
rc=0
timeout 20 "$SIPLEG" call "sip:busy@127.0.0.1:$UAS" "${common[@]}" >"$TMP/call2.out" 2>"$TMP/call2.err" || rc=$?
[[ $rc == 10 ]] || fail "busy call exit $rc, want 10"
ended=$(event "$TMP/call2.out" ended)
[[ $(json_field "$ended" status) == 486 && $(json_field "$ended" cause) == rejected ]] || fail "ended: $ended"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp busy scenario failed"

echo "== 3a. SIGINT while ringing sends CANCEL (exit 130)"
bg SIPP timeout 20 sipp -sf "$SIPDIR/uas_ring_cancel.xml" -i 127.0.0.1 -p $UAS -m 1 -nostdin >"$TMP/sipp3.log" 2>&1
wait_udp_port "$UAS"
bg LEG_PID timeout 20 "$SIPLEG" call "sip:ring@127.0.0.1:$UAS" "${common[@]}" >"$TMP/call3.out" 2>"$TMP/call3.err"
wait_for "$TMP/call3.out" '"event":"ringing"'
kill -INT "$LEG_PID"
wait_exit "$LEG_PID" 15; rc=$RC
[[ $rc == 130 ]] || fail "cancelled call exit $rc, want 130"
ended=$(event "$TMP/call3.out" ended)
[[ $(json_field "$ended" cause) == cancelled && $(json_field "$ended" status) == 487 ]] || fail "ended: $ended"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp did not see the CANCEL"

echo "== 3b. --timeout cancels an unanswered call (exit 3)"
bg SIPP timeout 20 sipp -sf "$SIPDIR/uas_ring_cancel.xml" -i 127.0.0.1 -p $UAS -m 1 -nostdin >"$TMP/sipp3b.log" 2>&1
wait_udp_port "$UAS"
rc=0
timeout 20 "$SIPLEG" call "sip:ring@127.0.0.1:$UAS" "${common[@]}" --timeout 1 >"$TMP/call3b.out" 2>"$TMP/call3b.err" || rc=$?
[[ $rc == 3 ]] || fail "timed-out call exit $rc, want 3"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp did not see the CANCEL"

echo "== 4. hold and resume (RFC 3264 §8.4) on stdin commands"
bg SIPP timeout 30 sipp -sf "$SIPDIR/uas_hold.xml" -i 127.0.0.1 -p $UAS -mi 127.0.0.1 -mp $MEDIA -m 1 -nostdin \
  >"$TMP/sipp4.log" 2>&1
wait_udp_port "$UAS"
mkfifo "$TMP/cmd4"
exec 7<>"$TMP/cmd4"  # read-write: opening never blocks, and sip-leg's open finds a writer
bg LEG_PID timeout 30 "$SIPLEG" call "sip:hold@127.0.0.1:$UAS" "${common[@]}" <"$TMP/cmd4" \
  >"$TMP/call4.out" 2>"$TMP/call4.err"
wait_for "$TMP/call4.out" '"event":"answered"'
echo '{"cmd":"hold"}' >&7
wait_for "$TMP/call4.out" '"event":"held"'
echo '{"cmd":"resume"}' >&7
wait_for "$TMP/call4.out" '"event":"resumed"'
echo '{"cmd":"hangup"}' >&7
wait_exit "$LEG_PID" 15; rc=$RC
exec 7>&-
[[ $rc == 0 ]] || fail "hold call exit $rc"
held=$(event "$TMP/call4.out" held)
[[ $(json_field "$held" direction) == sendonly ]] || fail "held: $held"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp hold scenario failed (see sipp4.log)"

echo "== 5. 407 challenge, then 183 with SDP (early media), then 200"
bg SIPP timeout 20 sipp -sf "$SIPDIR/uas_auth_early.xml" -i 127.0.0.1 -p $UAS -mi 127.0.0.1 -mp $MEDIA -m 1 -nostdin \
  >"$TMP/sipp5.log" 2>&1
wait_udp_port "$UAS"
rc=0
timeout 20 "$SIPLEG" call "sip:auth@127.0.0.1:$UAS" "${common[@]}" --from sip:carol@sipp.test --user carol \
  --password pw --duration 1 >"$TMP/call5.out" 2>"$TMP/call5.err" || rc=$?
[[ $rc == 0 ]] || fail "auth/early call exit $rc"
early=$(event "$TMP/call5.out" early_media)
[[ $(json_field "$early" status) == 183 && $(json_field "$early" remote_rtp) == "127.0.0.1:$MEDIA" ]] ||
  fail "early_media: $early"
grep -q '"event":"answered"' "$TMP/call5.out" || fail "not answered after early media"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp did not get the authenticated INVITE (sipp5.log)"

echo "== 6. 302 redirect is followed"
UAS2=$((UAS + 2))
bg SIPP timeout 20 sipp -sf "$SIPDIR/uas_redirect.xml" -i 127.0.0.1 -p $UAS -m 1 -nostdin \
  -set target "sip:moved@127.0.0.1:$UAS2" >"$TMP/sipp6.log" 2>&1
bg SIPP2 timeout 20 sipp -sn uas -i 127.0.0.1 -p $UAS2 -mi 127.0.0.1 -mp $((MEDIA + 2)) -m 1 -nostdin \
  >"$TMP/sipp6b.log" 2>&1
wait_udp_port "$UAS" "$UAS2"
rc=0
timeout 20 "$SIPLEG" call "sip:old@127.0.0.1:$UAS" "${common[@]}" --duration 1 >"$TMP/call6.out" 2>"$TMP/call6.err" ||
  rc=$?
[[ $rc == 0 ]] || fail "redirected call exit $rc"
redirected=$(event "$TMP/call6.out" redirected)
[[ $(json_field "$redirected" target) == "sip:moved@127.0.0.1:$UAS2" ]] || fail "redirected: $redirected"
answered=$(event "$TMP/call6.out" answered)
[[ $(json_field "$answered" remote_rtp) == "127.0.0.1:$((MEDIA + 2))" ]] || fail "answered: $answered"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp 302 scenario failed"
wait_exit "$SIPP2" 10; [[ $RC == 0 ]] || fail "the redirect target did not get the call"

echo "PASS test_sip_sipp_call"
