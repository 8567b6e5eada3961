#!/usr/bin/env bash
# Two bridges keyed by SDES (RFC 4568) lines, both ways bit-exact, per suite,
# including AES_256_CM_HMAC_SHA1_80 (SDES only). --gen-sdes makes the lines.
source "$(dirname "$0")/srtp_lib.sh"

for suite in AES_CM_128_HMAC_SHA1_80 AES_CM_128_HMAC_SHA1_32 AEAD_AES_128_GCM AEAD_AES_256_GCM AES_256_CM_HMAC_SHA1_80; do
  LA=$("$BRIDGE" --gen-sdes "$suite")
  LB=$("$BRIDGE" --gen-sdes "$suite")
  [[ "$LA" == "1 $suite inline:"* ]] || fail "--gen-sdes printed '$LA'"
  read -r AS BS AP BP PA PB <<<"$($HELPER ports 6)"
  rm -f "$T"/*.in
  start_bridge A --secure "udp:127.0.0.1:$AS" --secure-remote "udp:127.0.0.1:$BS" --plain "udp:127.0.0.1:$AP" \
    --sdes-local "$LA" --sdes-remote "$LB" --strict-source
  start_bridge B --secure "udp:127.0.0.1:$BS" --secure-remote "udp:127.0.0.1:$AS" --plain "udp:127.0.0.1:$BP" \
    --plain-remote "udp:127.0.0.1:$PB" --sdes-local "a=crypto:$LB" --sdes-remote "$LA"
  wait_event A sdes_local
  wait_event B sdes_local
  $HELPER flow --send-from "$PA" --to "$AP" --recv-on "$PB" --expect-from "$BP" --rtcp --seed 3 \
    || fail "$suite: A->B"
  $HELPER flow --send-from "$PB" --to "$BP" --recv-on "$PA" --expect-from "$AP" --rtcp --seed 4 \
    || fail "$suite: B->A"
  kill -TERM "$A_PID" "$B_PID"
  wait_exit "$A_PID" 10; [ "$EXIT_CODE" = 0 ] || fail "$suite: A exit $EXIT_CODE"
  wait_exit "$B_PID" 10; [ "$EXIT_CODE" = 0 ] || fail "$suite: B exit $EXIT_CODE"
  eval "exec ${A_FD}>&- ${B_FD}>&-"
  echo "ok: SDES $suite both ways bit-exact"
done

# A wrong key: every packet fails authentication, is counted, none forwarded.
LA=$("$BRIDGE" --gen-sdes AEAD_AES_128_GCM)
LB=$("$BRIDGE" --gen-sdes AEAD_AES_128_GCM)
LX=$("$BRIDGE" --gen-sdes AEAD_AES_128_GCM)
read -r AS BS AP BP PA PB <<<"$($HELPER ports 6)"
rm -f "$T"/*.in
start_bridge A --secure "udp:127.0.0.1:$AS" --secure-remote "udp:127.0.0.1:$BS" --plain "udp:127.0.0.1:$AP" \
  --sdes-local "$LA" --sdes-remote "$LB"
start_bridge B --secure "udp:127.0.0.1:$BS" --plain "udp:127.0.0.1:$BP" --plain-remote "udp:127.0.0.1:$PB" \
  --sdes-local "$LB" --sdes-remote "$LX"
wait_event B sdes_local
$HELPER flow --send-from "$PA" --to "$AP" --recv-on "$PB" --expect-from "$BP" --count 50 --timeout 1 >/dev/null 2>&1 \
  && fail "packets with the wrong key were forwarded"
send_command B '{"cmd":"stats"}'
wait_event B stats
grep '"event":"stats"' "$T/B.out" | grep '"auth_fail":50' >/dev/null || fail "B did not count 50 auth failures"
echo "ok: wrong SDES key -> 50 auth_fail drops, nothing forwarded"
