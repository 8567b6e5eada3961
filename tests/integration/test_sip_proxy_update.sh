#!/usr/bin/env bash
# sip-leg call through an outbound proxy, a peer's UPDATE, and --advertise,
# on loopback:
#  1. `call --proxy` Kamailio (tests/sip/kamailio.cfg): the sipp UAS sees the
#     INVITE with Kamailio's Record-Route and two Vias (RFC 3261 §16.6), then
#     sends an UPDATE with an SDP offer mid-call and gets 200 with an SDP
#     answer (RFC 3311); sip-leg reports media_updated and hangs up;
#  2. `--advertise 127.0.0.2` while bound on 127.0.0.1: the sipp UAS checks
#     that Via, Contact and SDP c= carry 127.0.0.2.
# Ports 35650-35699.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need kamailio sipp python3 timeout

KAM=35650 UAS=35660 LEG=35670 MEDIA=35680

echo "== 1. --proxy: through Kamailio to a sipp UAS that sends UPDATE"
start_kamailio $KAM
bg SIPP timeout 30 sipp -sf "$SIPDIR/uas_proxied.xml" -i 127.0.0.1 -p $UAS -mi 127.0.0.1 -mp $MEDIA -m 1 \
  -nostdin -trace_err -error_file "$TMP/sipp1-err.log" -trace_msg -message_file "$TMP/sipp1-msg.log" >"$TMP/sipp1.log" 2>&1
sleep 0.5
rc=0
timeout 30 "$SIPLEG" call "sip:bob@127.0.0.1:$UAS" --proxy "sip:127.0.0.1:$KAM" --bind "udp:127.0.0.1:$LEG" \
  --rtp udp:127.0.0.1:0 --timeout 10 --duration 2 --json >"$TMP/call1.out" 2>"$TMP/call1.err" || rc=$?
[[ $rc == 0 ]] || fail "proxied call exit $rc, want 0"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp UAS: no proxy hops, or no SDP answer to UPDATE"
grep -q '"event":"media_updated"' "$TMP/call1.out" || fail "no media_updated after the UPDATE"
stop_kamailio

echo "== 2. --advertise: Via, Contact and c= carry the advertised address"
bg SIPP timeout 20 sipp -sf "$SIPDIR/uas_advertise.xml" -i 127.0.0.1 -p $UAS -mi 127.0.0.1 -mp $MEDIA -m 1 \
  -nostdin -trace_err -error_file "$TMP/sipp2-err.log" >"$TMP/sipp2.log" 2>&1
sleep 0.5
rc=0
timeout 20 "$SIPLEG" call "sip:bob@127.0.0.1:$UAS" --bind "udp:127.0.0.1:$LEG" --advertise 127.0.0.2 \
  --rtp udp:127.0.0.1:0 --timeout 10 --duration 1 --json >"$TMP/call2.out" 2>"$TMP/call2.err" || rc=$?
[[ $rc == 0 ]] || fail "advertise call exit $rc, want 0"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp UAS: the advertised address is missing"
listening=$(event "$TMP/call2.out" listening)
[[ $(json_field "$listening" media_address) == 127.0.0.2 ]] || fail "listening: $listening"

echo "PASS test_sip_proxy_update"
