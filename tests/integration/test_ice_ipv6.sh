#!/usr/bin/env bash
# ice-session over IPv6 (RFC 8445 §5.1.1.1: IPv6 host candidates): two
# sessions, their ICE parameters exchanged by tests/integration/ice_pair.py,
# connect and carry numbered datagrams both ways through their (unix datagram)
# pipes, bit-exact:
# 1. on ::1 in the host namespace,
# 2. between two namespaces on 2001:db8::/64 (bound to one address each),
# 3. with --bind :: (every IPv6 address of the namespace, no "::" candidate),
# 4. dual stack (no --bind): candidates of both families announced.
# And --bind :: with no IPv6 address to gather on fails at start.
#
#   [a 198.51.100.1/24, 2001:db8::1/64]--veth--[b 198.51.100.2/24, 2001:db8::2/64]
source "$(dirname "$0")/lib.sh"
gw_require ip python3
IS=$GW_TOOLS/ice-session/ice-session
PAIR=$GW_SOURCE_DIR/tests/integration/ice_pair.py
T=$GW_TMP
chmod 755 "$T"

gw_netns a a && gw_netns b b || exit 1
gw_link "$a" eth0 198.51.100.1/24 "$b" eth0 198.51.100.2/24 || exit 1
ip -n "$a" addr add 2001:db8::1/64 dev eth0 nodad
ip -n "$b" addr add 2001:db8::2/64 dev eth0 nodad

pair() {  # NAME ARGS... for ice_pair.py; summary in $T/NAME.json
  local name=$1; shift
  mkdir -p "$T/$name"
  timeout 40 python3 "$PAIR" --pipe unix --connect-timeout 15 --summary "$T/$name.json" --log-dir "$T/$name" "$@"
  local rc=$?
  [[ $rc -eq 0 ]] || { cat "$T/$name.json" >&2; tail -n 5 "$T/$name"/*.stderr >&2; }
  return $rc
}
field() { json_get "$T/$1.json" "$2"; }
# families EVENTS: the sorted set of candidate address families announced ("4", "6", "4 6").
families() {
  python3 -c 'import json,sys,ipaddress
evs=[json.loads(l) for l in open(sys.argv[1]) if "\"local-candidate\"" in l]
print(" ".join(sorted({str(ipaddress.ip_address(e["address"]).version) for e in evs})))' "$1"
}
# addresses EVENTS: the announced candidate addresses, sorted, unique.
addresses() {
  python3 -c 'import json,sys
evs=[json.loads(l) for l in open(sys.argv[1]) if "\"local-candidate\"" in l]
print(" ".join(sorted({e["address"] for e in evs})))' "$1"
}

# 1. ::1 in the host namespace.
if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/'; then
  pair loop6 --count 500 --rate 500 --a "$IS --bind ::1 --controlling" --b "$IS --bind ::1 --controlled"
  check "::1: 500 datagrams each way, bit-exact, clean exits" test "$(field loop6 ok)" = true
  check "::1: host pair on ::1 both sides" \
    test "$(field loop6 a.pair.local.address)/$(field loop6 a.pair.remote.address)/$(field loop6 b.pair.local.type)" = ::1/::1/host
else
  gw_log "no ::1 on lo (IPv6 disabled in the host namespace?): skipping the ::1 case"
fi

# 2. Two namespaces, one IPv6 address each.
pair v6 --count 500 --rate 500 --a "ip netns exec $a $IS --bind 2001:db8::1" \
  --b "ip netns exec $b $IS --bind 2001:db8::2 --controlled"
check "2001:db8::/64: 500 datagrams each way, bit-exact, clean exits" test "$(field v6 ok)" = true
check "2001:db8::/64: A's pair is 2001:db8::1 -> 2001:db8::2" \
  test "$(field v6 a.pair.local.address)/$(field v6 a.pair.remote.address)" = 2001:db8::1/2001:db8::2
check "2001:db8::/64: B's pair is 2001:db8::2 -> 2001:db8::1" \
  test "$(field v6 b.pair.local.address)/$(field v6 b.pair.remote.address)" = 2001:db8::2/2001:db8::1

# 3. --bind :: means every IPv6 address: real ones announced, never "::".
pair any6 --count 200 --rate 400 --a "ip netns exec $a $IS --bind ::" \
  --b "ip netns exec $b $IS --bind :: --controlled"
check "--bind ::: 200 datagrams each way, bit-exact, clean exits" test "$(field any6 ok)" = true
check "--bind ::: A announced 2001:db8::1 and IPv6 only" test "$(addresses "$T/any6/a.events")" = 2001:db8::1
check "--bind ::: the pair is 2001:db8::1 <-> 2001:db8::2" \
  test "$(field any6 a.pair.local.address)/$(field any6 b.pair.local.address)" = 2001:db8::1/2001:db8::2

# 4. Dual stack (no --bind): both families announced, a pair, the stream.
pair dual --count 200 --rate 400 --a "ip netns exec $a $IS" --b "ip netns exec $b $IS --controlled"
check "dual stack: 200 datagrams each way, bit-exact, clean exits" test "$(field dual ok)" = true
check "dual stack: A announced IPv4 and IPv6 candidates" test "$(families "$T/dual/a.events")" = "4 6"
check "dual stack: B announced IPv4 and IPv6 candidates" test "$(families "$T/dual/b.events")" = "4 6"
check "dual stack: no link-local or unspecified candidate" \
  bash -c "! grep -Eq '\"address\":\"(fe80:|::\"|0\\.0\\.0\\.0)' '$T/dual/a.events' '$T/dual/b.events'"

# --bind :: where the namespace has no IPv6 address but ::1: no silent
# fallback to every interface, the session fails at start (exit 1).
gw_netns c c || exit 1
timeout 10 ip netns exec "$c" "$IS" --bind :: --json </dev/null >"$T/none6.jsonl" 2>"$T/none6.err"; rc=$?
check "--bind :: without an IPv6 address: exit 1, named" \
  bash -c "test $rc -eq 1 && grep -q 'no local address' '$T/none6.err'"

gw_finish
