#!/usr/bin/env bash
# Installs what is needed, builds, and runs the main job.
# Until the webrtc-gw binary lands this is the STUN toolkit: a STUN server
# with RFC 5780 (two loopback addresses) in the background, a NAT behaviour
# probe against it, and then the server in the foreground (Ctrl-C stops it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[[ ${GW_SKIP_INSTALL:-0} == 1 ]] || scripts/install-deps.sh build
scripts/build.sh release
bin=build/tools/stun-probe/stun-probe
if [[ -x build/tools/webrtc-gw/webrtc-gw ]]; then
  exec build/tools/webrtc-gw/webrtc-gw "$@"
fi
echo "== stun-probe serve on 127.0.0.1:3478 (alternate 127.0.0.2:3479)"
"$bin" serve --listen 127.0.0.1:3478 --alternate 127.0.0.2:3479 --mapped-address --stats-interval 60 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
sleep 0.3
echo "== stun-probe 127.0.0.1:3478"
"$bin" 127.0.0.1:3478 || true
echo "== stun-probe --nat 127.0.0.1:3478"
"$bin" --nat 127.0.0.1:3478 || true
echo "== the server keeps running; Ctrl-C to stop"
wait $server
