#!/usr/bin/env bash
# RFC 4028 session timers in sip-leg (sofia-sip's, on the settings sip-leg
# gives it), against sipp on loopback; about 15 s in all. Real intervals are
# 90 s or more (the RFC's Min-SE floor), too long here: 1 and 2 lower
# sip-leg's Min-SE to 10 s with --min-se, and the callee asks for 10 s.
#  1. the callee asks for Session-Expires: 10;refresher=uac in its 200 OK:
#     sip-leg refreshes by UPDATE every ~5 s (half the interval, §10), two
#     refreshes before its --duration 12 hangs up;
#  2. (alongside 1) the callee makes itself the refresher and never
#     refreshes: sip-leg ends the session with a BYE before it expires (§10)
#     and exits 5 (peer gone), status 408;
#  3. `call --session-expires 90` meets a 422 asking for Min-SE: 120: the
#     INVITE goes again with Session-Expires: 120 and Min-SE: 120 (§7.4);
#  4. `listen` with sip-leg's default Min-SE of 90: an INVITE asking for
#     60 s gets 422 with Min-SE: 90 (§8.1); asking for 90 without choosing
#     the refresher, the 200 OK says Session-Expires: 90;refresher=uac and
#     Require: timer (§9).
# Ports 36300-36399.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need sipp python3 timeout

UAS1=36300 UAS2=36302 UAS3=36304 UAC=36306 LEG1=36310 LEG2=36312 LEG3=36314 LEG4=36316 MEDIA=36320
leg_opts=(--rtp udp:127.0.0.1:0 --json)

# received_times LOG METHOD: when sipp received each METHOD request (s from the first message).
received_times() {
  python3 "$SIPDIR/sipp_log.py" "$1" |
    python3 -c 'import json,sys; print(" ".join(str(m["t"]) for m in map(json.loads, sys.stdin) if m["dir"] == "received" and m["line"].startswith(sys.argv[1] + " ")))' "$2"
}

echo "== 1+2. the callee asks for session timers (refresher uac; refresher uas)"
bg SIPP1 timeout 30 sipp -sf "$SIPDIR/uas_session_refresh.xml" -i 127.0.0.1 -p $UAS1 -mi 127.0.0.1 -mp $MEDIA -m 1 \
  -nostdin -set se 10 -set refresher uac -trace_msg -message_file "$TMP/sipp1.msg" >"$TMP/sipp1.log" 2>&1
bg SIPP2 timeout 30 sipp -sf "$SIPDIR/uas_session_refresh.xml" -i 127.0.0.1 -p $UAS2 -mi 127.0.0.1 -mp $((MEDIA + 10)) \
  -m 1 -nostdin -set se 10 -set refresher uas -trace_msg -message_file "$TMP/sipp2.msg" >"$TMP/sipp2.log" 2>&1
sleep 0.5
bg LEG1_PID timeout 30 "$SIPLEG" call "sip:timer@127.0.0.1:$UAS1" --bind "udp:127.0.0.1:$LEG1" "${leg_opts[@]}" \
  --min-se 10 --duration 12 >"$TMP/call1.out" 2>"$TMP/call1.err"
bg LEG2_PID timeout 30 "$SIPLEG" call "sip:timer@127.0.0.1:$UAS2" --bind "udp:127.0.0.1:$LEG2" "${leg_opts[@]}" \
  --min-se 10 >"$TMP/call2.out" 2>"$TMP/call2.err"
wait_exit "$LEG2_PID" 20; rc2=$RC
wait_exit "$LEG1_PID" 20; rc1=$RC
[[ $rc1 == 0 ]] || fail "refreshing call exit $rc1, want 0"
wait_exit "$SIPP1" 10; [[ $RC == 0 ]] || fail "sipp did not get two refreshing UPDATEs (sipp1.log)"
acks=($(received_times "$TMP/sipp1.msg" ACK)) updates=($(received_times "$TMP/sipp1.msg" UPDATE))
echo "refresher uac: ACK at ${acks[0]} s, UPDATEs at ${updates[*]} s"
python3 -c 'import sys; a, u1, u2 = map(float, sys.argv[1:4]); sys.exit(not (4 <= u1 - a <= 6.5 and 4 <= u2 - u1 <= 6.5))' \
  "${acks[0]}" "${updates[0]}" "${updates[1]}" || fail "refreshes not every ~5 s of a 10 s session"
ended=$(event "$TMP/call2.out" ended)
byes=($(received_times "$TMP/sipp2.msg" BYE)) acks=($(received_times "$TMP/sipp2.msg" ACK))
echo "refresher uas (never refreshes): ACK at ${acks[0]} s, BYE at ${byes[0]} s; exit $rc2; $ended"
python3 -c 'import sys; a, b = map(float, sys.argv[1:3]); sys.exit(not (8 <= b - a <= 10))' "${acks[0]}" "${byes[0]}" ||
  fail "no BYE just before the unrefreshed 10 s session expired"
[[ $rc2 == 5 && $(json_field "$ended" cause) == remote_hangup && $(json_field "$ended" status) == 408 ]] ||
  fail "expired session: exit $rc2 (want 5, peer gone), $ended"
wait_exit "$SIPP2" 10; [[ $RC == 0 ]] || fail "sipp expiry scenario failed (sipp2.log)"

echo "== 3. 422 Session Interval Too Small: retried with the callee's Min-SE"
sipp_uas sipp3 "$SIPDIR/uas_session_422.xml" $UAS3 -mi 127.0.0.1 -mp $MEDIA
leg call3 call "sip:timer@127.0.0.1:$UAS3" --bind "udp:127.0.0.1:$LEG3" "${leg_opts[@]}" --session-expires 90 --duration 1
[[ $RC == 0 ]] || fail "422 call exit $RC, want 0"
grep -q '"event":"answered"' "$TMP/call3.out" || fail "not answered after the 422"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp 422 scenario failed: headers of the retried INVITE? (sipp3.log)"

echo "== 4. listen: 422 below Min-SE 90, then Session-Expires 90;refresher=uac in the 200 OK"
bg LEG4_PID timeout 20 "$SIPLEG" listen --bind "udp:127.0.0.1:$LEG4" "${leg_opts[@]}" --timeout 15 \
  >"$TMP/listen4.out" 2>"$TMP/listen4.err"
wait_for "$TMP/listen4.out" '"event":"listening"'
timeout 20 sipp -sf "$SIPDIR/uac_session_timer.xml" "127.0.0.1:$LEG4" -i 127.0.0.1 -p $UAC -mi 127.0.0.1 \
  -mp $((MEDIA + 20)) -m 1 -nostdin >"$TMP/sipp4.log" 2>&1 || fail "sipp UAC session timer scenario failed (sipp4.log)"
wait_exit "$LEG4_PID" 10
[[ $RC == 5 ]] || fail "listen exit $RC, want 5 (peer hung up)"
[[ $(grep -c '"event":"incoming"' "$TMP/listen4.out") == 1 ]] || fail "the 422'd INVITE reached the application"

echo "PASS test_sip_session_timer"
