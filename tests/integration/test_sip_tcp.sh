#!/usr/bin/env bash
# sip-leg over SIP/TCP (RFC 3261 §18) against Kamailio (tests/sip/kamailio.cfg,
# listening on UDP and TCP) on loopback:
#  1. `listen --bind tcp:...` registers over TCP with digest authentication;
#     the binding Kamailio stores is a TCP one;
#  2. a sipp UAC (`-t t1`, one TCP connection) calls alice through Kamailio:
#     the INVITE reaches sip-leg over TCP, it answers, RTP sent into the pipe
#     is echoed by sipp (-rtp_echo) and comes back intact, sipp's BYE ends the
#     call (exit 5) and sip-leg unregisters over TCP on the way out.
# Ports 36000-36099.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need kamailio sipp python3 timeout

KAM=36000 LEG=36010 UAC=36020 MEDIA=36030 PIPE_OUT=36040 PIPE_IN=36042
KAM_LISTEN="udp:127.0.0.1:$KAM tcp:127.0.0.1:$KAM" start_kamailio $KAM

echo "== 1. register over TCP"
bg LEG_PID timeout 40 "$SIPLEG" listen --bind "tcp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 --json \
  --registrar "sip:127.0.0.1:$KAM;transport=tcp" --aor sip:alice@127.0.0.1 --password alice-secret \
  --expires 60 --timeout 30 --pipe "udp:127.0.0.1:$PIPE_OUT" --pipe-bind "udp:127.0.0.1:$PIPE_IN" \
  >"$TMP/listen.out" 2>"$TMP/listen.err"
wait_for "$TMP/listen.out" '"event":"registered"' 10
reg=$(event "$TMP/listen.out" registered)
contact=$(json_field "$reg" contact)
[[ $contact == *transport=tcp* ]] || fail "the registered contact is not a TCP one: $reg"

echo "== 2. a sipp UAC over TCP calls alice through Kamailio; RTP echoes through the pipe"
bg SIPP timeout 30 sipp -sn uac "127.0.0.1:$KAM" -t t1 -s alice -i 127.0.0.1 -p $UAC -mi 127.0.0.1 -mp $MEDIA \
  -rtp_echo -d 4000 -m 1 -nostdin >"$TMP/sipp-uac.log" 2>&1
wait_for "$TMP/listen.out" '"event":"answered"' 10
probe=$(python3 "$SIPDIR/rtp_probe.py" $PIPE_IN $PIPE_OUT 100)
echo "probe: $probe"
intact=$(json_field "$probe" intact)
((intact >= 95)) || fail "only $intact of 100 RTP packets came back intact"
wait_exit "$SIPP" 20
[[ $RC == 0 ]] || fail "the sipp UAC over TCP failed (exit $RC)"
wait_exit "$LEG_PID" 15
[[ $RC == 5 ]] || fail "listen exit $RC, want 5 (peer hung up)"
incoming=$(event "$TMP/listen.out" incoming)
[[ -n $incoming ]] || fail "no incoming event"
answered=$(event "$TMP/listen.out" answered)
[[ $(json_field "$answered" remote_rtp) == "127.0.0.1:$MEDIA" ]] || fail "answered: $answered"
ended=$(event "$TMP/listen.out" ended)
[[ $(json_field "$ended" cause) == remote_hangup ]] || fail "ended: $ended"
grep -q '"event":"unregistered","ts":[0-9.eE+]*,"status":200' "$TMP/listen.out" || fail "no unregister on exit"

echo "PASS test_sip_tcp"
