#!/usr/bin/env bash
# A bridge that expects another certificate refuses the handshake: it reports
# failure/fingerprint_mismatch and exits 10; its peer gets the alert and
# exits 4 (negotiation failed). A passive bridge nobody talks to times out: 3.
source "$(dirname "$0")/srtp_lib.sh"

make_cert a
make_cert b
make_cert stranger
FP_A=$(fingerprint a)
FP_X=$(fingerprint stranger)
read -r AS BS AP BP <<<"$($HELPER ports 4)"

start_bridge A --dtls passive --secure "udp:127.0.0.1:$AS" --plain "udp:127.0.0.1:$AP" \
  --cert "$T/a.pem" --key "$T/a.key" --remote-fingerprint "$FP_X"
start_bridge B --dtls active --secure "udp:127.0.0.1:$BS" --secure-remote "udp:127.0.0.1:$AS" \
  --plain "udp:127.0.0.1:$BP" --cert "$T/b.pem" --key "$T/b.key" --remote-fingerprint "$FP_A"
wait_exit "$A_PID" 15
[ "$EXIT_CODE" = 10 ] || fail "A exit $EXIT_CODE, want 10 (fingerprint mismatch)"
grep -q '"reason":"fingerprint_mismatch"' "$T/A.out" || fail "A: no fingerprint_mismatch event"
grep -q '"event":"handshake_done"' "$T/A.out" && fail "A completed a handshake it should refuse"
wait_exit "$B_PID" 15
[ "$EXIT_CODE" = 4 ] || fail "B exit $EXIT_CODE, want 4 (negotiation failed)"
grep -q '"reason":"alert"' "$T/B.out" || fail "B: no alert failure event"
echo "ok: mismatch -> A exits 10, B exits 4"

# Timeout: a passive bridge with no peer gives up after --handshake-timeout.
rm -f "$T"/*.in "$T"/*.out
read -r CS CP <<<"$($HELPER ports 2)"
start_bridge C --dtls passive --secure "udp:127.0.0.1:$CS" --plain "udp:127.0.0.1:$CP" --handshake-timeout 1
wait_exit "$C_PID" 10
[ "$EXIT_CODE" = 3 ] || fail "C exit $EXIT_CODE, want 3 (timeout)"
grep -q '"reason":"timeout"' "$T/C.out" || fail "C: no timeout failure event"
echo "ok: handshake timeout -> exit 3"

# Usage errors exit 2.
set +e
"$BRIDGE" --secure udp:127.0.0.1:0 >/dev/null 2>&1; [ $? = 2 ] || fail "missing --plain should exit 2"
"$BRIDGE" --secure udp:127.0.0.1:0 --plain udp:127.0.0.1:0 --remote-fingerprint "sha-256 12:34" </dev/null >/dev/null 2>&1
[ $? = 2 ] || fail "bad fingerprint should exit 2"
"$BRIDGE" --secure udp:127.0.0.1:0 --plain udp:127.0.0.1:0 --sdes-remote "1 NOPE inline:AAAA" </dev/null >/dev/null 2>&1
[ $? = 2 ] || fail "bad SDES suite should exit 2"
set -e
echo "ok: usage errors exit 2"
