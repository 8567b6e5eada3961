#!/usr/bin/env bash
# Regenerates completions/{bash,zsh,fish}/ from the built binaries.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
mkdir -p "$top/completions/bash" "$top/completions/zsh" "$top/completions/fish"
for tool in stun-probe ice-session srtp-rtp-bridge sip-leg webrtc-gw; do
  bin=$build/tools/$tool/$tool
  [[ -x $bin ]] || continue
  "$bin" --completion bash >"$top/completions/bash/$tool"
  "$bin" --completion zsh >"$top/completions/zsh/_$tool"
  "$bin" --completion fish >"$top/completions/fish/$tool.fish"
  echo "updated completions for $tool"
done
