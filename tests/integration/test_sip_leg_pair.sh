#!/usr/bin/env bash
# Two sip-legs back to back on loopback (call -> listen):
#  1. RTP into the caller's pipe comes out of the callee's pipe bit-exact;
#  2. DTMF "12#" as RFC 4733 events in RTP, then "9" by SIP INFO: the callee
#     reports each digit once, with `via` saying how it came;
#  3. the caller's hold/resume shows up at the callee as remote_held /
#     remote_resumed (it follows the peer's hold).
# Ports 35500-35599.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need python3 timeout

A=35510 B=35520 A_PIPE_IN=35530 B_PIPE_OUT=35540
mkfifo "$TMP/cmd"
exec 7<>"$TMP/cmd"
bg CALLEE timeout 40 "$SIPLEG" listen --bind "udp:127.0.0.1:$B" --rtp udp:127.0.0.1:0 --json \
  --pipe "udp:127.0.0.1:$B_PIPE_OUT" >"$TMP/callee.out" 2>"$TMP/callee.err"
wait_for "$TMP/callee.out" '"event":"listening"'
bg CALLER timeout 40 "$SIPLEG" call "sip:b@127.0.0.1:$B" --bind "udp:127.0.0.1:$A" --rtp udp:127.0.0.1:0 --json \
  --pipe-bind "udp:127.0.0.1:$A_PIPE_IN" <"$TMP/cmd" >"$TMP/caller.out" 2>"$TMP/caller.err"
wait_for "$TMP/caller.out" '"event":"answered"'
wait_for "$TMP/callee.out" '"event":"answered"'

echo "== 1. audio caller pipe -> callee pipe"
# rtp_probe sends to the caller's pipe and listens where the callee's pipe sends.
probe=$(python3 "$SIPDIR/rtp_probe.py" $A_PIPE_IN $B_PIPE_OUT 50)
echo "probe: $probe"
(($(json_field "$probe" intact) >= 48)) || fail "audio did not cross intact: $probe"

echo "== 2. DTMF: RFC 4733 then SIP INFO"
echo '{"cmd":"dtmf","digits":"12#","duration":80}' >&7
wait_for "$TMP/callee.out" '"digit":"#"' 10
[[ $(grep -c '"event":"dtmf"' "$TMP/callee.out") == 3 ]] || fail "want 3 RFC 4733 digits once each"
grep -q '"digit":"1".*"via":"rfc4733"' "$TMP/callee.out" || fail "digit 1 not via rfc4733"
echo "== 3. hold / resume followed by the peer"
echo '{"cmd":"hold"}' >&7
wait_for "$TMP/callee.out" '"event":"remote_held"'
wait_for "$TMP/caller.out" '"event":"held"'
echo '{"cmd":"resume"}' >&7
wait_for "$TMP/callee.out" '"event":"remote_resumed"'
echo '{"cmd":"hangup"}' >&7
wait_exit "$CALLER" 10
[[ $RC == 0 ]] || fail "caller exit $RC"
wait_exit "$CALLEE" 10
[[ $RC == 5 ]] || fail "callee exit $RC, want 5"

echo "== 2b. DTMF by SIP INFO (--dtmf info)"
bg CALLEE timeout 30 "$SIPLEG" listen --bind "udp:127.0.0.1:$B" --rtp udp:127.0.0.1:0 --json \
  >"$TMP/callee2.out" 2>"$TMP/callee2.err"
wait_for "$TMP/callee2.out" '"event":"listening"'
bg CALLER timeout 30 "$SIPLEG" call "sip:b@127.0.0.1:$B" --bind "udp:127.0.0.1:$A" --rtp udp:127.0.0.1:0 --json \
  --dtmf info <"$TMP/cmd" >"$TMP/caller2.out" 2>"$TMP/caller2.err"
wait_for "$TMP/caller2.out" '"event":"answered"'
echo '{"cmd":"dtmf","digits":"9"}' >&7
wait_for "$TMP/callee2.out" '"digit":"9".*"via":"info"' 10
echo '{"cmd":"hangup"}' >&7
wait_exit "$CALLER" 10
[[ $RC == 0 ]] || fail "caller exit $RC"
wait_exit "$CALLEE" 10
echo "PASS test_sip_leg_pair"
