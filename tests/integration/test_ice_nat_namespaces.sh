#!/usr/bin/env bash
# ice-session across real NATs (network namespaces, netfilter MASQUERADE,
# a port-restricted cone: see test_stun_nat_namespaces.sh) with a STUN server
# on the public segment. Pipes are unix datagram sockets, which the driver
# (tests/integration/ice_pair.py) reaches from the host namespace.
#
#   [A 100.64.1.2]--[natA 100.64.1.1 | 203.0.113.2]--+
#                                                   [pub 203.0.113.1, .65: STUN on .1:3478; gateway on .1]
#   [B 100.64.2.2]--[natB 100.64.2.1 | 203.0.113.66]-+
#
# 1. A and B, each behind its own NAT, connect through server-reflexive
#    candidates (RFC 8445 §5.1.1.2) and carry datagrams both ways bit-exact.
# 2. B's NAT drops UDP: a public ICE-TCP session (RFC 6544, passive) in pub is
#    reached by B's active TCP candidate; the stream goes over TCP.
# 3. Consent (RFC 7675): B vanishes silently behind its NAT, A exits 5 within 30 s.
source "$(dirname "$0")/lib.sh"
gw_require ip iptables python3
IS=$GW_TOOLS/ice-session/ice-session
SP=$GW_TOOLS/stun-probe/stun-probe
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
ip netns exec "$nata" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
ip netns exec "$natb" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
# Like home routers, the NATs drop unsolicited inbound packets. Handled
# locally instead, a check arriving before the NAT's own mapping exists
# leaves a conntrack entry that makes MASQUERADE pick another port for the
# mapping, which the peer's port-restricted NAT then filters.
for ns in "$nata" "$natb"; do ip netns exec "$ns" iptables -A INPUT -i wan -j DROP; done

gw_bg ip netns exec "$pub" "$SP" serve --listen 203.0.113.1:3478 -q
gw_wait_udp "$pub" 3478 || exit 1

pair() {  # NAME ARGS... for ice_pair.py; summary in $T/NAME.json
  local name=$1; shift
  mkdir -p "$T/$name"
  timeout 150 python3 "$PAIR" --pipe unix --summary "$T/$name.json" --log-dir "$T/$name" "$@"
  local rc=$?
  [[ $rc -eq 0 ]] || { cat "$T/$name.json" >&2; tail -n 5 "$T/$name"/*.stderr >&2; }
  return $rc
}
field() { json_get "$T/$1.json" "$2"; }

# 1. Both behind NAT, STUN on the public segment.
pair srflx --count 500 --rate 500 --connect-timeout 30 \
  --a "ip netns exec $a $IS --stun 203.0.113.1:3478 --controlling" \
  --b "ip netns exec $b $IS --stun 203.0.113.1:3478 --controlled"
check "NAT-NAT: 500 datagrams each way, bit-exact, clean exits" test "$(field srflx ok)" = true
check "NAT-NAT: A announced its srflx candidate 203.0.113.2" \
  grep -q '"type":"srflx","transport":"udp","address":"203.0.113.2"' "$T/srflx/a.events"
check "NAT-NAT: A's pair reaches B's NAT address" test "$(field srflx a.pair.remote.address)" = 203.0.113.66
check "NAT-NAT: B's pair reaches A's NAT address" test "$(field srflx b.pair.remote.address)" = 203.0.113.2
check "NAT-NAT: remote ends are reflexive (srflx or prflx)" \
  bash -c "[[ '$(field srflx a.pair.remote.type)' =~ ^(srflx|prflx)$ && '$(field srflx b.pair.remote.type)' =~ ^(srflx|prflx)$ ]]"

# 2. UDP blocked at B's NAT: ICE-TCP to a public passive candidate.
ip netns exec "$natb" iptables -A FORWARD -p udp -j DROP
pair tcp --close-may-race --count 500 --rate 500 --connect-timeout 40 \
  --a "ip netns exec $pub $IS --bind 203.0.113.1 --tcp --controlled" \
  --b "ip netns exec $b $IS --tcp --stun 203.0.113.1:3478 --controlling"
check "UDP blocked: 500 datagrams each way over ICE-TCP, bit-exact" test "$(field tcp ok)" = true
check "UDP blocked: public side announced tcptype passive" grep -q '"tcptype":"passive"' "$T/tcp/a.events"
check "UDP blocked: selected pair is TCP on both sides" \
  test "$(field tcp a.pair.local.transport)/$(field tcp b.pair.local.transport)" = tcp/tcp
ip netns exec "$natb" iptables -D FORWARD -p udp -j DROP

# 3. Consent: B killed behind its NAT (no ICMP comes back), A exits 5.
pair consent --count 50 --kill b --within 40 --connect-timeout 30 \
  --a "ip netns exec $a $IS --stun 203.0.113.1:3478" --b "ip netns exec $b $IS --stun 203.0.113.1:3478"
check "consent lost behind NAT: exit 5" test "$(field consent survivor_exit)" = 5
check "consent lost behind NAT: within 30 s" \
  python3 -c "import json,sys; sys.exit(0 if json.load(open('$T/consent.json'))['survivor_seconds'] <= 30 else 1)"
gw_log "consent loss noticed after $(field consent survivor_seconds) s"

gw_finish
