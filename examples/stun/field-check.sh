#!/usr/bin/env bash
# Field check of a site's network for WebRTC, with stun-probe:
#   examples/stun/field-check.sh STUN_SERVER [SECOND_STUN_SERVER]
# 1. Binding over UDP, TCP and TLS (is UDP blocked? does TLS/443 get out?)
# 2. Two servers from one socket (carrier-grade or multi-exit NAT?)
# 3. RFC 5780 NAT behaviour (will browsers here need TURN?)
# Exit status: stun-probe's --nat exit code (0 fine, 10 TURN needed, ...).
set -uo pipefail
SP=${STUN_PROBE:-$(command -v stun-probe || echo "$(dirname "$0")/../../build/tools/stun-probe/stun-probe")}
server=${1:?usage: field-check.sh STUN_SERVER [SECOND_STUN_SERVER]}
second=${2:-}

echo "== transports"
"$SP" -t udp,tcp,tls "$server"
echo
if [[ -n $second ]]; then
  echo "== mapping seen by two servers"
  "$SP" "$server" "$second"
  echo
fi
echo "== NAT behaviour"
"$SP" --nat "$server"
rc=$?
case $rc in
  0) echo "=> browsers here can reach a gateway with a public address directly" ;;
  10) echo "=> browsers here need TURN (or the gateway's public address) for media" ;;
  11) echo "=> $server lacks RFC 5780: try a server started with 'stun-probe serve --alternate'" ;;
  3) echo "=> no UDP answer: UDP to $server is blocked or the server is down" ;;
esac
exit $rc
