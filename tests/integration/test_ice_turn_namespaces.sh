#!/usr/bin/env bash
# ice-session through a TURN relay (RFC 8656, coturn with long-term
# credentials) when no direct path exists: two sessions, each behind its own
# MASQUERADE NAT, and a public segment that forwards no UDP between the NATs.
# Pipes are unix datagram sockets, reached by tests/integration/ice_pair.py
# from the host namespace.
#
#   [A 100.64.1.2]--[natA 100.64.1.1 | 203.0.113.2]--+
#                                                   [pub 203.0.113.1, .65: coturn on .1:3478]
#   [B 100.64.2.2]--[natB 100.64.2.1 | 203.0.113.66]-+
#
# 1. relay-relay: both use TURN and each NAT lets in UDP only from the TURN
#    server's listening port, so only relayed candidates can carry checks.
# 2. relay-srflx: only A uses TURN, B has STUN (coturn's binding service);
#    A's relayed address is the only one B can reach (RFC 8445 §5.1.1.2).
# Both: a selected pair on each side, 200 datagrams each way bit-exact, and
# the allocations released on exit (RFC 8656 §7: refresh with lifetime 0).
# 3. A wrong TURN password is reported (an "error" event), not silent;
#    time-limited credentials from a shared secret (coturn's REST API) work.
source "$(dirname "$0")/lib.sh"
gw_require ip iptables python3 turnserver openssl base64
IS=$GW_TOOLS/ice-session/ice-session
PAIR=$GW_SOURCE_DIR/tests/integration/ice_pair.py
T=$GW_TMP
chmod 755 "$T"

gw_netns pub pub && gw_netns nata nata && gw_netns natb natb && gw_netns a a && gw_netns b b || exit 1
gw_link "$pub" wana 203.0.113.1/26 "$nata" wan 203.0.113.2/26
gw_link "$pub" wanb 203.0.113.65/26 "$natb" wan 203.0.113.66/26
gw_link "$nata" lan 100.64.1.1/24 "$a" eth0 100.64.1.2/24
gw_link "$natb" lan 100.64.2.1/24 "$b" eth0 100.64.2.2/24
ip -n "$a" route add default via 100.64.1.1
ip -n "$b" route add default via 100.64.2.1
ip -n "$nata" route add default via 203.0.113.1
ip -n "$natb" route add default via 203.0.113.65
for ns in "$pub" "$nata" "$natb"; do ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1; done
for ns in "$nata" "$natb"; do
  ip netns exec "$ns" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
  ip netns exec "$ns" iptables -A INPUT -i wan -j DROP
done
# No direct path: the public segment forwards no UDP between the two NATs
# (the TURN server is local to pub, not forwarded).
ip netns exec "$pub" iptables -A FORWARD -p udp -j DROP
# The rest of the Internet is a sink: pub's default route leads out of a
# veth whose other end (also in pub) drops the frames, addressed to a MAC it
# does not own. (Without a route, coturn's relayed send to a peer's private
# host candidate fails with ENETUNREACH and coturn tears the allocation down.)
ip -n "$pub" link add sink type veth peer name sink-end
ip -n "$pub" link set sink up && ip -n "$pub" link set sink-end up
ip -n "$pub" neigh add 203.0.113.254 lladdr 02:00:00:00:00:fe dev sink nud permanent
ip -n "$pub" route add default via 203.0.113.254 dev sink onlink

gw_bg ip netns exec "$pub" turnserver -n -v --no-cli --no-tls --no-dtls -L 203.0.113.1 -p 3478 \
  --lt-cred-mech --user u:p --realm lab --min-port 50000 --max-port 50999 \
  --log-file "$T/coturn.log" --simple-log --pidfile "$T/coturn.pid" --db "$T/coturn.sqlite" \
  >"$T/coturn.out" 2>&1
COTURN=$GW_LAST_PID
gw_wait_udp "$pub" 3478 || exit 1

pair() {  # NAME ARGS... for ice_pair.py; summary in $T/NAME.json
  local name=$1; shift
  mkdir -p "$T/$name"
  timeout 40 python3 "$PAIR" --pipe unix --count 200 --rate 400 --connect-timeout 20 \
    --summary "$T/$name.json" --log-dir "$T/$name" "$@"
  local rc=$?
  [[ $rc -eq 0 ]] || { cat "$T/$name.json" >&2; tail -n 5 "$T/$name"/*.stderr >&2; }
  return $rc
}
field() { json_get "$T/$1.json" "$2"; }
TURN="--turn 203.0.113.1:3478 --turn-user u --turn-password p"
released() {  # N: coturn logged N allocations refreshed with lifetime 0 by their owner
  test "$(grep -o 'session [0-9]*: refreshed, .*lifetime=0$' "$T/coturn.log" | cut -d: -f1 | sort -u | wc -l)" -ge "$1"
}

# 1. Only the TURN server's port gets through either NAT: relay <-> relay.
for ns in "$nata" "$natb"; do
  ip netns exec "$ns" iptables -A FORWARD -i wan -p udp ! --sport 3478 -j DROP
done
pair relay --a "ip netns exec $a $IS $TURN --controlling" --b "ip netns exec $b $IS $TURN --controlled"
check "relay-relay: 200 datagrams each way, bit-exact, clean exits" test "$(field relay ok)" = true
check "relay-relay: both announced a relay candidate on 203.0.113.1" bash -c \
  "grep -q '\"type\":\"relay\",\"transport\":\"udp\",\"address\":\"203.0.113.1\"' '$T/relay/a.events' &&
   grep -q '\"type\":\"relay\",\"transport\":\"udp\",\"address\":\"203.0.113.1\"' '$T/relay/b.events'"
check "relay-relay: selected pairs are relay/relay on both sides" test \
  "$(field relay a.pair.local.type)/$(field relay a.pair.remote.type)/$(field relay b.pair.local.type)/$(field relay b.pair.remote.type)" \
  = relay/relay/relay/relay
check "relay-relay: both sessions reached state connected" bash -c \
  "grep -q '\"state\":\"connected\"' '$T/relay/a.events' && grep -q '\"state\":\"connected\"' '$T/relay/b.events'"
check "relay-relay: 2 allocations released on exit" released 2
gw_log "relay-relay connected in $(field relay connect_seconds) s"
for ns in "$nata" "$natb"; do
  ip netns exec "$ns" iptables -D FORWARD -i wan -p udp ! --sport 3478 -j DROP
done

# 2. TURN on A only, STUN on B: A's relayed address is B's only way in.
pair mixed --a "ip netns exec $a $IS $TURN --controlling" \
  --b "ip netns exec $b $IS --stun 203.0.113.1:3478 --controlled"
check "relay-srflx: 200 datagrams each way, bit-exact, clean exits" test "$(field mixed ok)" = true
check "relay-srflx: A's local end is its relay, B's remote end is A's relay" test \
  "$(field mixed a.pair.local.type)/$(field mixed b.pair.remote.type)/$(field mixed b.pair.remote.address)" \
  = relay/relay/203.0.113.1
check "relay-srflx: B's local end is reflexive 203.0.113.66 as A sees it" test \
  "$(field mixed a.pair.remote.address)" = 203.0.113.66
gw_log "relay-srflx connected in $(field mixed connect_seconds) s"

# Wrong TURN password (401 on every Allocate): no relay candidate, an
# "error" event saying so, and the session goes on (exit 0 on close).
{ sleep 3; echo '{"cmd":"close"}'; } | timeout 20 ip netns exec "$a" "$IS" --turn 203.0.113.1:3478 \
  --turn-user u --turn-password wrong --json >"$T/badpw.jsonl" 2>"$T/badpw.err"; rc=$?
check "wrong TURN password: no relay candidate, exit 0 on close" \
  bash -c "! grep -q '\"type\":\"relay\"' '$T/badpw.jsonl' && test $rc -eq 0"
check "wrong TURN password: error event ice.turn" grep -q '"event":"error".*"code":"ice.turn"' "$T/badpw.jsonl"

gw_stop "$COTURN"

# Time-limited credentials from a shared secret (coturn --use-auth-secret):
# user "EXPIRY:NAME", password base64(HMAC-SHA1(secret, user)).
gw_bg ip netns exec "$pub" turnserver -n --no-cli --no-tls --no-dtls -L 203.0.113.65 -p 3478 \
  --use-auth-secret --static-auth-secret s3cret --realm lab --min-port 51000 --max-port 51999 \
  --log-file "$T/coturn-rest.log" --simple-log --pidfile "$T/coturn-rest.pid" --db "$T/coturn-rest.sqlite" \
  >"$T/coturn-rest.out" 2>&1
COTURN_REST=$GW_LAST_PID
gw_wait_udp "$pub" 3478 || exit 1
ruser="$(($(date +%s) + 600)):alice"
rpass=$(printf '%s' "$ruser" | openssl dgst -sha1 -hmac s3cret -binary | base64)
{ sleep 2; echo '{"cmd":"close"}'; } | timeout 20 ip netns exec "$a" "$IS" --turn 203.0.113.65:3478 \
  --turn-user "$ruser" --turn-password "$rpass" --json >"$T/rest.jsonl" 2>"$T/rest.err"; rc=$?
check "shared-secret TURN credentials: relay candidate, no error, exit 0" bash -c \
  "grep -q '\"type\":\"relay\",\"transport\":\"udp\",\"address\":\"203.0.113.65\"' '$T/rest.jsonl' &&
   ! grep -q '\"event\":\"error\"' '$T/rest.jsonl' && test $rc -eq 0"
gw_stop "$COTURN_REST"
gw_finish
