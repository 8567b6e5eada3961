#!/usr/bin/env bash
# Random datagrams (with RTP/DTLS/STUN look-alike first bytes) on every port
# of two bridges, before and after the DTLS handshake: the bridges keep
# running, every bad packet is a counted drop, and media still flows
# bit-exact afterwards. A is --strict-source, B is not.
source "$(dirname "$0")/srtp_lib.sh"

make_cert a
make_cert b
FP_A=$(fingerprint a)
FP_B=$(fingerprint b)
read -r AS BS AP BP PA PB <<<"$($HELPER ports 6)"

start_bridge A --dtls passive --secure "udp:127.0.0.1:$AS" --secure-remote "udp:127.0.0.1:$BS" \
  --plain "udp:127.0.0.1:$AP" --plain-remote "udp:127.0.0.1:$PA" \
  --cert "$T/a.pem" --key "$T/a.key" --remote-fingerprint "$FP_B" --strict-source
wait_event A listening
# Before the handshake: only A is up.
$HELPER flood "127.0.0.1:$AS" "127.0.0.1:$AP" "127.0.0.1:$((AP + 1))" --count 3000 --seed 11 >/dev/null

start_bridge B --dtls active --secure "udp:127.0.0.1:$BS" --secure-remote "udp:127.0.0.1:$AS" \
  --plain "udp:127.0.0.1:$BP" --plain-remote "udp:127.0.0.1:$PB" \
  --cert "$T/b.pem" --key "$T/b.key" --remote-fingerprint "$FP_A"
wait_event A handshake_done 15
wait_event B handshake_done 15

# After the handshake: every port of both bridges.
$HELPER flood "127.0.0.1:$AS" "127.0.0.1:$BS" "127.0.0.1:$AP" "127.0.0.1:$((AP + 1))" \
  "127.0.0.1:$BP" "127.0.0.1:$((BP + 1))" --count 6000 --seed 12 >/dev/null
sleep 0.5
kill -0 "$A_PID" 2>/dev/null || fail "A died under the flood"
kill -0 "$B_PID" 2>/dev/null || fail "B died under the flood"

$HELPER flow --send-from "$PA" --to "$AP" --recv-on "$PB" --expect-from "$BP" --rtcp --seed 5 || fail "A->B after flood"
$HELPER flow --send-from "$PB" --to "$BP" --recv-on "$PA" --expect-from "$AP" --rtcp --seed 6 || fail "B->A after flood"

send_command A '{"cmd":"stats"}'
send_command B '{"cmd":"stats"}'
wait_event A stats
wait_event B stats
python3 - "$T/A.out" "$T/B.out" <<'PY' || fail "drop counters"
import json, sys
for path in sys.argv[1:]:
    stats = [json.loads(l) for l in open(path) if '"event":"stats"' in l][-1]
    s2p, p2s = stats["secure_to_plain"]["drops"], stats["plain_to_secure"]["drops"]
    print(path.rsplit("/", 1)[1], "secure->plain drops", s2p["total"], "plain->secure drops", p2s["total"])
    assert s2p["total"] > 100, "secure side flood not counted"
    assert p2s["total"] > 100, "plain side flood not counted"
    assert stats["secure_to_plain"]["packets"] >= 200
PY
grep '"event":"stats"' "$T/A.out" | tail -1 | grep -q '"source":[1-9]' || fail "A (strict) counted no source drops"
echo "ok: both bridges survived 9000 random datagrams with counted drops"
