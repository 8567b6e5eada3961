#!/usr/bin/env bash
# NAT behaviour discovery through a real Linux NAT (netfilter MASQUERADE) in
# network namespaces, and from a host with no NAT. What Linux MASQUERADE does
# (measured, and asserted here): it keeps the source port when it is free and
# reuses the mapping for every destination (endpoint-independent mapping, port
# preserved), but lets in only replies from the exact address and port the
# client sent to (address-and-port-dependent filtering): a "port-restricted
# cone"; no hairpinning without extra rules.
#
#   [client 100.64.1.2] --lan-- [nat 100.64.1.1 | 203.0.113.2] --wan-- [pub 203.0.113.10,.11: STUN]
#   [open 198.51.100.2] ------------------------------------------------ [pub 198.51.100.1]
#
# Silence is a result here (filtering, hairpinning, a dead binding), and every
# silent probe waits out its transaction, twice: --timeout 2 (not --nat's 7.5 s
# default, which is for real networks) is ample for peers in namespaces on one
# host, where an answer comes in well under a millisecond.
source "$(dirname "$0")/lib.sh"
gw_require ip iptables
SP=$GW_TOOLS/stun-probe/stun-probe
T=$GW_TMP

gw_netns pub pub && gw_netns nat nat && gw_netns client client && gw_netns open open || exit 1
gw_link "$pub" wan 203.0.113.10/24 "$nat" wan 203.0.113.2/24
ip -n "$pub" addr add 203.0.113.11/24 dev wan
gw_link "$nat" lan 100.64.1.1/24 "$client" eth0 100.64.1.2/24
gw_link "$pub" open 198.51.100.1/24 "$open" eth0 198.51.100.2/24
ip -n "$client" route add default via 100.64.1.1
ip -n "$open" route add default via 198.51.100.1
ip netns exec "$nat" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$nat" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE

gw_bg ip netns exec "$pub" "$SP" serve --listen 203.0.113.10:3478 --alternate 203.0.113.11:3479 --mapped-address -q
gw_wait_udp "$pub" 3478 || exit 1

# Behind MASQUERADE.
timeout 90 ip netns exec "$client" "$SP" --nat 203.0.113.10 --timeout 2 --json >"$T/nat.json"; rc=$?
cat "$T/nat.json" >&2
check "NAT present" test "$(json_get "$T/nat.json" nat)" = yes
check "mapped address is the NAT's public address" bash -c "json_get() { python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))[sys.argv[2]])' \"\$@\"; }; json_get '$T/nat.json' mapped | grep -q '^203.0.113.2:'"
check "mapping: endpoint-independent" test "$(json_get "$T/nat.json" mapping)" = endpoint-independent
check "filtering: address-and-port-dependent" test "$(json_get "$T/nat.json" filtering)" = address-and-port-dependent
check "no ALG rewriting (MAPPED-ADDRESS = XOR-MAPPED-ADDRESS)" test "$(json_get "$T/nat.json" alg_detected)" = no
check "port preserved" test "$(json_get "$T/nat.json" port_preserved)" = yes
check "no hairpinning" test "$(json_get "$T/nat.json" hairpinning)" = no
check "RFC 3489 name: port-restricted cone" test "$(json_get "$T/nat.json" rfc3489_name)" = "port-restricted cone"
check "exit 0: peer-to-peer friendly mapping" test "$rc" -eq 0

# Binding lifetime (RFC 5780 §4.6): make the NAT forget idle UDP mappings
# after 10 s, and the search must find a lower bound between 5 and 10 s.
# --lifetime-max 12 starts the search at 12 s (dead), then bisects: 6 s
# (alive), 9 s (either), done at the 5 s resolution.
ip netns exec "$nat" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=10 \
  net.netfilter.nf_conntrack_udp_timeout_stream=10
timeout 150 ip netns exec "$client" "$SP" --nat --no-large --lifetime --lifetime-max 12 --timeout 2 --json 203.0.113.10 >"$T/life.jsonl"; rc=$?
tail -n 1 "$T/life.jsonl" >"$T/life.json"; cat "$T/life.json" >&2
check "lifetime search completes" test "$(json_get "$T/life.json" completed)" = true
check "lifetime lower bound 5..10 s" python3 -c "import json,sys; r=json.load(open('$T/life.json')); lo=r.get('lower_s', r.get('lower_ms',0)/1000); sys.exit(0 if 5 <= lo <= 10 else 1)"
check "keep-alive advice below the lifetime" python3 -c "import json,sys; r=json.load(open('$T/life.json')); k=r.get('recommended_keepalive_s', r.get('recommended_keepalive_ms',0)/1000); sys.exit(0 if 0 < k <= 10 else 1)"

# A symmetric NAT: random source ports per destination (MASQUERADE --random-fully).
ip netns exec "$nat" iptables -t nat -F POSTROUTING
ip netns exec "$nat" conntrack -F >/dev/null 2>&1 || true
ip netns exec "$nat" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully
timeout 90 ip netns exec "$client" "$SP" --nat 203.0.113.10 --timeout 2 --json >"$T/sym.json"; rc=$?
cat "$T/sym.json" >&2
check "random-fully: mapping address-dependent or worse" \
  bash -c "grep -Eq '\"mapping\":\"address(-and-port)?-dependent\"' '$T/sym.json'"
check "random-fully: exit 10 (TURN needed)" test "$rc" -eq 10

# UDP blocked, TCP open: the multi-transport probe says so (exit 12).
ip netns exec "$nat" iptables -A FORWARD -p udp -j DROP
timeout 30 ip netns exec "$client" "$SP" 203.0.113.10 -t tcp --timeout 2 --json >"$T/blocked.jsonl"; rc=$?
check "UDP blocked but TCP answers: exit 12" test "$rc" -eq 12
check "UDP blocked is explained" grep -q 'UDP is blocked' "$T/blocked.jsonl"
timeout 30 ip netns exec "$client" "$SP" --nat 203.0.113.10 --timeout 2 --json >"$T/nat-blocked.json"; rc=$?
check "--nat with UDP blocked: exit 3, named" bash -c "test $rc -eq 3 && grep -q '\"rfc3489_name\":\"UDP blocked\"' '$T/nat-blocked.json'"

# No NAT at all.
timeout 90 ip netns exec "$open" "$SP" --nat 203.0.113.10 --timeout 2 --json >"$T/open.json"; rc=$?
check "no NAT: reported as such" test "$(json_get "$T/open.json" nat)" = no
check "no NAT: open internet, exit 0" bash -c "test $rc -eq 0 && grep -q '\"rfc3489_name\":\"open internet\"' '$T/open.json'"

gw_finish
