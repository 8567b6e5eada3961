#!/usr/bin/env bash
# sip-leg keeps its binding when the registrar loses it (RFC 3261 §10.2.4),
# with Kamailio (tests/sip/kamailio.cfg, usrloc in memory only) on loopback:
#  1. Kamailio restarts between two refreshes: the new one has no binding (a
#     call gets 404); the next refresh is challenged, answered and the binding
#     is back: a sipp UAC call through Kamailio reaches `sip-leg listen`;
#  2. Kamailio is down when a refresh is due: registration_lost, retries with
#     backoff, and once a fresh Kamailio runs, registered (recovered) and a
#     call reaches sip-leg again.
# Ports 35600-35649.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need kamailio sipp python3 timeout

KAM=35600 LEG=35610 UAC=35620 MEDIA=35630 UAC_404=35621
OUT=$TMP/listen.out

# call_through_kamailio [PORT]: one sipp UAC call to alice via Kamailio;
# sipp's reasons for a failed call go to sipp-uac-errors.log. The call that
# must fail (404) uses its own port, so nothing of its transaction can reach
# the next sipp (CI once saw sipp abort the call after the refresh, right
# after its ACK, without this log to say why).
call_through_kamailio() {
  timeout 20 sipp -sn uac "127.0.0.1:$KAM" -s alice -i 127.0.0.1 -p "${1:-$UAC}" -mi 127.0.0.1 -mp $MEDIA -m 1 \
    -d 500 -nostdin -trace_err -error_file "$TMP/sipp-uac-errors.log" >>"$TMP/sipp-uac.log" 2>&1
}

start_kamailio $KAM
bg LEG_PID timeout 100 "$SIPLEG" listen --bind "udp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 --json \
  --registrar "sip:127.0.0.1:$KAM" --aor sip:alice@127.0.0.1 --password alice-secret --expires 10 \
  --retry 4 --calls 3 >"$OUT" 2>"$TMP/listen.err"
wait_for "$OUT" '"event":"registered"' 10
call_through_kamailio || fail "the first call through Kamailio failed"
wait_for "$OUT" '"event":"ended"' 5

echo "== 1. Kamailio restarts between refreshes"
stop_kamailio
start_kamailio $KAM
if call_through_kamailio $UAC_404; then fail "the restarted Kamailio still had the binding"; fi
n=$(count "$OUT" '"event":"registered"')
for ((i = 0; i < 150; i++)); do
  (($(count "$OUT" '"event":"registered"') > n)) && break
  sleep 0.1
done
(($(count "$OUT" '"event":"registered"') > n)) || fail "no refresh reached the new Kamailio"
call_through_kamailio || fail "no call after the refresh re-created the binding"
wait_for "$OUT" '"event":"ended".*' 5
(($(count "$OUT" '"event":"answered"') == 2)) || fail "the second call did not reach sip-leg"

echo "== 2. Kamailio is down when the refresh is due"
stop_kamailio
wait_for "$OUT" '"event":"registration_lost"' 20
lost=$(event "$OUT" registration_lost)
[[ -n $(json_field "$lost" retry_in) ]] || fail "registration_lost without retry_in: $lost"
sleep 2  # a retry or two fails while it is down
start_kamailio $KAM
wait_for "$OUT" '"event":"registered".*"recovered":true' 15
call_through_kamailio || fail "no call after the registration recovered"
wait_exit "$LEG_PID" 15
[[ $RC == 5 ]] || fail "listen exit $RC, want 5"
(($(count "$OUT" '"event":"answered"') == 3)) || fail "the third call did not reach sip-leg"
grep -q '"event":"unregistered","ts":[0-9.eE+]*,"status":200' "$OUT" || fail "no unregister on exit"
echo "PASS test_sip_reregister"
