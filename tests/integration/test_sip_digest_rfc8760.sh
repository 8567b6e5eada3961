#!/usr/bin/env bash
# sip-leg call answering RFC 8760 digest challenges (SHA-256, SHA-512-256),
# which sofia-sip cannot answer (MD5 only), against a sipp UAS on loopback:
#  1. 407 with algorithm=SHA-256: the INVITE is sent again with a
#     Proxy-Authorization for carol whose response check_digest.py
#     recomputes from the password; the call is answered (exit 0);
#  2. 401 with algorithm=SHA-512-256: the same with Authorization;
#  3. a wrong password: the UAS challenges twice, sip-leg gives up after two
#     tries with exit 12 (auth_failed);
#  4. through Kamailio (auth module, algorithm SHA-256), which challenges
#     the INVITE with 407 and checks the answer itself before relaying it
#     to a sipp UAS.
# Ports 36200-36299.
source "${GW_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/sip/lib.sh" || { echo "FAIL: cannot load tests/sip/lib.sh"; exit 1; }
need sipp python3 timeout kamailio

UAS=36200 KAM=36202 LEG=36210 MEDIA=36220
common=(--bind "udp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 --json --from sip:carol@sipp.test --user carol)

# challenge N proxy|www ALGORITHM: one call against uas_auth_rfc8760.xml.
challenge() {
  local n=$1 kind=$2 alg=$3 header=Proxy-Authorization
  [[ $kind == www ]] && header=Authorization
  echo "== $n. a $kind challenge with algorithm=$alg: answered with $header"
  sipp_uas "sipp$n" "$SIPDIR/uas_auth_rfc8760.xml" $UAS -mi 127.0.0.1 -mp $MEDIA -set challenge "$kind" \
    -set alg "$alg" -trace_msg -message_file "$TMP/sipp$n.msg"
  leg "call$n" call "sip:auth@127.0.0.1:$UAS" "${common[@]}" --password pw --duration 1
  [[ $RC == 0 ]] || fail "$alg call exit $RC, want 0"
  grep -q '"event":"answered"' "$TMP/call$n.out" || fail "$alg call not answered"
  wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp did not accept the $alg credentials (sipp$n.log)"
  local check
  check=$(python3 "$SIPDIR/check_digest.py" "$TMP/sipp$n.msg" pw "$header" "$alg") ||
    fail "digest check: $check"
  echo "digest: $check"
}

challenge 1 proxy SHA-256
challenge 2 www SHA-512-256

echo "== 3. a wrong password: two tries, then exit 12"
sipp_uas sipp3 "$SIPDIR/uas_auth_refused.xml" $UAS
leg call3 call "sip:auth@127.0.0.1:$UAS" "${common[@]}" --password wrong
[[ $RC == 12 ]] || fail "refused credentials exit $RC, want 12"
ended=$(event "$TMP/call3.out" ended)
[[ $(json_field "$ended" cause) == auth_failed && $(json_field "$ended" status) == 407 ]] || fail "ended: $ended"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "sipp refused scenario failed (sipp3.log)"

echo "== 4. Kamailio challenges the INVITE with SHA-256 and verifies the answer"
start_kamailio $KAM WITH_SHA256 WITH_INVITE_AUTH
bg SIPP timeout 20 sipp -sn uas -i 127.0.0.1 -p $UAS -mi 127.0.0.1 -mp $MEDIA -m 1 -nostdin >"$TMP/sipp4.log" 2>&1
sleep 0.5
leg call4 call "sip:echo@127.0.0.1:$UAS" --bind "udp:127.0.0.1:$LEG" --rtp udp:127.0.0.1:0 --json \
  --proxy "sip:127.0.0.1:$KAM" --from sip:bob@127.0.0.1 --password bob-secret --duration 1
[[ $RC == 0 ]] || fail "call through Kamailio exit $RC, want 0"
grep -q '"event":"answered"' "$TMP/call4.out" || fail "Kamailio did not let the INVITE through"
wait_exit "$SIPP" 10; [[ $RC == 0 ]] || fail "the sipp UAS behind Kamailio failed (sipp4.log)"
stop_kamailio

echo "PASS test_sip_digest_rfc8760"
