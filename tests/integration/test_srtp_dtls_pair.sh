#!/usr/bin/env bash
# Two srtp-rtp-bridges back to back over DTLS-SRTP (one active, one passive):
# RTP and RTCP sent into one plain side come out of the other bit-exact, both
# ways, for each SRTP profile; stopping one bridge makes the other report
# peer_gone (close_notify) and exit 5.
source "$(dirname "$0")/srtp_lib.sh"

make_cert a
make_cert b
FP_A=$(fingerprint a)
FP_B=$(fingerprint b)

for profile in AEAD_AES_128_GCM AEAD_AES_256_GCM AES_CM_128_HMAC_SHA1_80 AES_CM_128_HMAC_SHA1_32; do
  read -r AS BS AP BP PA PB <<<"$($HELPER ports 6)"
  rm -f "$T"/*.in
  start_bridge A --dtls passive --secure "udp:127.0.0.1:$AS" --plain "udp:127.0.0.1:$AP" \
    --plain-remote "udp:127.0.0.1:$PA" --cert "$T/a.pem" --key "$T/a.key" --remote-fingerprint "$FP_B" \
    --strict-source
  start_bridge B --dtls active --secure "udp:127.0.0.1:$BS" --secure-remote "udp:127.0.0.1:$AS" \
    --plain "udp:127.0.0.1:$BP" --plain-remote "udp:127.0.0.1:$PB" --cert "$T/b.pem" --key "$T/b.key" \
    --remote-fingerprint "$FP_A" --profiles "$profile"
  wait_event A handshake_done
  wait_event B handshake_done
  grep -q "\"profile\":\"$profile\"" "$T/A.out" || fail "$profile: A negotiated something else"
  grep -q "\"peer_fingerprint\":\"$FP_B\"" "$T/A.out" || fail "$profile: A reports the wrong peer fingerprint"

  $HELPER flow --send-from "$PA" --to "$AP" --recv-on "$PB" --expect-from "$BP" --rtcp --seed 1 \
    || fail "$profile: A->B"
  $HELPER flow --send-from "$PB" --to "$BP" --recv-on "$PA" --expect-from "$AP" --rtcp --seed 2 \
    || fail "$profile: B->A"

  send_command A '{"cmd":"stats"}'
  wait_event A stats
  kill -TERM "$A_PID"
  wait_exit "$A_PID" 10
  [ "$EXIT_CODE" = 0 ] || fail "$profile: A exit $EXIT_CODE"
  wait_exit "$B_PID" 10
  [ "$EXIT_CODE" = 5 ] || fail "$profile: B exit $EXIT_CODE, want 5 (peer gone)"
  grep -q '"event":"peer_gone","ts":[0-9.]*,"reason":"close_notify"' "$T/B.out" \
    || grep -q '"reason":"close_notify"' "$T/B.out" || fail "$profile: B did not report close_notify"
  echo "ok: $profile both ways bit-exact, peer_gone on close_notify"
  eval "exec ${A_FD}>&- ${B_FD}>&-"
  mv "$T/A.out" "$T/A.$profile.out"; mv "$T/B.out" "$T/B.$profile.out"
done
