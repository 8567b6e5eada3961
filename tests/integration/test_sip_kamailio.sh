#!/usr/bin/env bash
# sip-leg against Kamailio (Debian `kamailio`, config tests/sip/kamailio.cfg,
# users in db_text) on loopback:
#  1. `listen --registrar`: REGISTER with MD5 digest (401 then 200), a refresh
#     before expiry, then a sipp UAC call routed by Kamailio to the registered
#     contact: answered, BYE, exit 5; unregistered on the way out;
#  2. a wrong password: registration_failed, exit 12;
#  3. Kamailio with algorithm SHA-256 (RFC 8760): `register` still succeeds.
# Ports 35300-35399.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need kamailio sipp python3 timeout

KAM=35300 LEG=35310 UAC=35320 MEDIA=35330 KAM2=35350
start_kamailio $KAM

echo "== 1. register with digest, refresh, be called through Kamailio"
bg LEG_PID timeout 40 "$SIPLEG" listen --bind "udp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 --json \
  --registrar "sip:127.0.0.1:$KAM" --aor sip:alice@127.0.0.1 --password alice-secret --expires 6 \
  --timeout 30 >"$TMP/listen.out" 2>"$TMP/listen.err"
wait_for "$TMP/listen.out" '"event":"registered"' 10
reg=$(event "$TMP/listen.out" registered)
[[ $(json_field "$reg" expires) == 6 ]] || fail "registered: $reg"
wait_for "$TMP/listen.out" '"event":"registered".*"refresh":true' 10
timeout 20 sipp -sn uac "127.0.0.1:$KAM" -s alice -i 127.0.0.1 -p $UAC -mi 127.0.0.1 -mp $MEDIA -m 1 -nostdin \
  >"$TMP/sipp-uac.log" 2>&1 || fail "the call through Kamailio failed"
wait_exit "$LEG_PID" 15
[[ $RC == 5 ]] || fail "listen exit $RC, want 5"
answered=$(event "$TMP/listen.out" answered)
[[ $(json_field "$answered" remote_rtp) == "127.0.0.1:$MEDIA" ]] || fail "answered: $answered"
grep -q '"event":"unregistered","ts":[0-9.eE+]*,"status":200' "$TMP/listen.out" || fail "no unregister on exit"

echo "== 2. a wrong password fails with exit 12"
rc=0
timeout 20 "$SIPLEG" register sip:bob@127.0.0.1 --registrar "sip:127.0.0.1:$KAM" --password wrong \
  --bind "udp:127.0.0.1:$LEG" --retry 0 --json >"$TMP/wrong.out" 2>"$TMP/wrong.err" || rc=$?
[[ $rc == 12 ]] || fail "wrong password exit $rc, want 12"
grep -q '"event":"registration_failed"' "$TMP/wrong.out" || fail "no registration_failed event"

echo "== 3. SHA-256 digest (RFC 8760)"
kill "$KAM_PID"
start_kamailio $KAM2 WITH_SHA256
rc=0
timeout 20 "$SIPLEG" register sip:bob@127.0.0.1 --registrar "sip:127.0.0.1:$KAM2" --password bob-secret \
  --bind "udp:127.0.0.1:$LEG" --retry 0 --duration 1 --json >"$TMP/sha.out" 2>"$TMP/sha.err" || rc=$?
[[ $rc == 0 ]] || fail "SHA-256 register exit $rc"
grep -q '"event":"registered"' "$TMP/sha.out" || fail "not registered with SHA-256"

echo "PASS test_sip_kamailio"
