#!/usr/bin/env bash
# webrtc-gw --ice-mode full behind a NAT, with Debian's Chromium: the gateway
# (a libnice agent per leg) learns its reflexive address from a STUN server,
# trickles it to the page (`ice-candidate` events), and its own checks open
# the NAT for the browser's. Scenarios echo and agent of
# test_gw_browser_chromium.sh (audio both ways >= 5 s, hang-up either side),
# through the topology that script builds with GW_BROWSER_GW_NAT=1.
export GW_BROWSER_GW_NAT=1
export GW_BROWSER_SCENARIOS=${GW_BROWSER_SCENARIOS:-echo,agent}
export GW_BROWSER_TRICKLE=${GW_BROWSER_TRICKLE:-1}
exec bash "$(dirname "$0")/test_gw_browser_chromium.sh" "$@"
