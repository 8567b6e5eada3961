#!/usr/bin/env bash
# Installs what is needed, builds, and runs the gateway in its standalone
# default: HTTPS + WSS on port 8443 (self-signed certificate kept in the
# state directory), browser media on UDP 10000.., the demo pages, and the
# built-in `echo` and `tone` targets. Extra arguments go to webrtc-gw
# (see `webrtc-gw --help`, man/webrtc-gw.8). Ctrl-C stops it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[[ ${GW_SKIP_INSTALL:-0} == 1 ]] || scripts/install-deps.sh build
scripts/build.sh release
echo "== webrtc-gw: open https://<this host>:8443/ (accept the self-signed certificate)" >&2
exec build/tools/webrtc-gw/webrtc-gw --web-root "$top/web" "$@"
