#!/usr/bin/env bash
# The deployment lab: webrtc-gw in a DMZ between the Internet (browsers behind
# NATs, a STUN server) and an enterprise LAN (Kamailio, SIP agents, a media
# server, browser agents behind an enterprise NAT), all in network namespaces.
# See README.md beside this file for the picture and the addresses.
#
#   lab.sh up                 create the namespaces, start every server
#   lab.sh down               stop them (by PID) and delete the namespaces
#   lab.sh status             what runs, the addresses, quick health checks
#   lab.sh run CASE...        run call cases (brings the lab up first if it is
#                             not, and down again afterwards): infra,
#                             customer-sip-agent, customer-enterprise-agent,
#                             customer-remote-agent, sip-agent-calls-browser,
#                             customer-media-server, faults, or all
#   lab.sh exec NODE CMD...   run a command in a node's namespace (e.g.
#                             `lab.sh exec cust ping 203.0.113.10`)
#
# Environment:
#   LAB_PREFIX (lab)          namespace names are PREFIX-NODE
#   GW_BUILD_DIR (<repo>/build) where the binaries are (tools/*/)
#   LAB_DIR (/tmp/webrtc-gw-lab.PREFIX) logs, captures, PIDs; kept after `down`
#   LAB_TTL (3600)            every server is started under `timeout LAB_TTL`
#   LAB_SECONDS (5)           media window of a call in `run`
#   LAB_RING_TIMEOUT (15)     webrtc-gw --ring-timeout
#   LAB_REG_EXPIRES (30)      webrtc-gw --sip-register-expires
#   LAB_SIP (auto)            1: webrtc-gw in SIP mode, 0: standalone; auto: SIP
#                             mode when the binary has --sip-registrar
#   LAB_INVITE_AUTH (0)       1: Kamailio challenges the gateway's INVITEs
#   LAB_GW_ARGS               more webrtc-gw options
#   LAB_KEEP (0)              1: `run` leaves a lab it brought up running
# Exit: 0 ok / every check passed, 1 a check failed or a step failed, 2 usage.
# Needs root (namespaces), iproute2, iptables, coturn, kamailio, sipp,
# baresip, tcpdump, chromium + tests/browser/node_modules (scripts/install-deps.sh).
set -uo pipefail

LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_HERE/../.." && pwd)
GW_BUILD_DIR=${GW_BUILD_DIR:-$REPO/build}
P=${LAB_PREFIX:-lab}
LAB_DIR=${LAB_DIR:-/tmp/webrtc-gw-lab.$P}
LAB_TTL=${LAB_TTL:-3600}
LAB_SECONDS=${LAB_SECONDS:-5}
LAB_RING_TIMEOUT=${LAB_RING_TIMEOUT:-15}
LAB_REG_EXPIRES=${LAB_REG_EXPIRES:-30}
LAB_SIP=${LAB_SIP:-auto}
GW_BIN=$GW_BUILD_DIR/tools/webrtc-gw/webrtc-gw
STUN_PROBE=$GW_BUILD_DIR/tools/stun-probe/stun-probe
GW_URL=https://203.0.113.10:8443
DOMAIN=lab.example

# Nodes (namespace PREFIX-NODE): name, then what it is.
NODES=(inet dmz ent sip agent phone media cnat cust rnat remote enat eagent estun)

lab_log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { lab_log "error: $*"; exit 1; }
nsname() { printf '%s-%s' "$P" "$1"; }
in_ns() { local n=$1; shift; ip netns exec "$(nsname "$n")" "$@"; }

# ---- processes -------------------------------------------------------------
# start NAME NODE CMD...: runs CMD in NODE's namespace under timeout(1), in
# LAB_DIR/run/NAME (its working directory), stdout/stderr to LAB_DIR/logs/NAME.*;
# records "PID STARTTIME" in LAB_DIR/pids/NAME.
start() {
  local name=$1 node=$2
  shift 2
  mkdir -p "$LAB_DIR/run/$name"
  (cd "$LAB_DIR/run/$name" && exec timeout -k 5 "$LAB_TTL" ip netns exec "$(nsname "$node")" "$@" \
    </dev/null >>"$LAB_DIR/logs/$name.out" 2>>"$LAB_DIR/logs/$name.err") &
  local pid=$!
  echo "$pid $(starttime "$pid")" >"$LAB_DIR/pids/$name"
}
starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# pid_of NAME: the PID recorded for NAME if that process still runs (the same
# process: its start time is checked), else nothing.
pid_of() {
  local f=$LAB_DIR/pids/$1 pid st
  [[ -f $f ]] || return 1
  read -r pid st <"$f"
  [[ -n $pid && -d /proc/$pid && $(starttime "$pid") == "$st" ]] || return 1
  echo "$pid"
}

# stop NAME: SIGTERM, up to 5 s, SIGKILL; forgets the PID.
stop() {
  local pid i
  if pid=$(pid_of "$1"); then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do [[ -d /proc/$pid ]] || break; sleep 0.1; done
    [[ -d /proc/$pid ]] && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -f "$LAB_DIR/pids/$1"
}

# wait_udp NODE IP:PORT [SECONDS]: until something listens there.
wait_udp() {
  local node=$1 addr=$2 t=${3:-10} i
  for ((i = 0; i < t * 10; i++)); do
    in_ns "$node" ss -Hlun "src $addr" 2>/dev/null | grep -q . && return 0
    sleep 0.1
  done
  lab_log "nothing listens on udp $addr in $node"
  return 1
}

# ---- network ---------------------------------------------------------------
mkns() {
  local ns
  ns=$(nsname "$1")
  ip netns add "$ns" || return 1
  echo "$ns" >>"$LAB_DIR/netns"
  ip -n "$ns" link set lo up
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

# link NODE_A IF_A ADDR_A NODE_B IF_B [ADDR_B|bridge:BR]: a veth pair; with
# bridge:BR the B end is a port of bridge BR in NODE_B.
link() {
  local a b ta="lv$(($$ % 100000))a$RANDOM" tb="lv$(($$ % 100000))b$RANDOM"  # <= 15 chars
  a=$(nsname "$1") b=$(nsname "$4")
  ip link add "$ta" type veth peer name "$tb" || return 1
  ip link set "$ta" netns "$a" && ip link set "$tb" netns "$b" || return 1
  ip -n "$a" link set "$ta" name "$2" && ip -n "$b" link set "$tb" name "$5" || return 1
  [[ -n $3 ]] && ip -n "$a" addr add "$3" dev "$2"
  case ${6:-} in
    bridge:*) ip -n "$b" link set "$5" master "${6#bridge:}" ;;
    ?*) ip -n "$b" addr add "$6" dev "$5" ;;
  esac
  ip -n "$a" link set "$2" up && ip -n "$b" link set "$5" up
}

bridge() { # bridge NODE BR [ADDR...]
  local node=$1 br=$2 ns
  ns=$(nsname "$node")
  shift 2
  ip -n "$ns" link add "$br" type bridge && ip -n "$ns" link set "$br" up || return 1
  local a
  for a in "$@"; do ip -n "$ns" addr add "$a" dev "$br"; done
}

# nat NODE: a router that MASQUERADEs its LAN behind its "wan" address.
nat() {
  in_ns "$1" sysctl -qw net.ipv4.ip_forward=1
  in_ns "$1" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE
}

net_up() {
  local n
  for n in "${NODES[@]}"; do mkns "$n" || return 1; done
  # The public Internet: one flat segment, the public STUN server on the switch.
  bridge inet br0 203.0.113.3/24 203.0.113.4/24 || return 1
  # The enterprise LAN: a switch without an address of its own.
  bridge ent br0 || return 1
  # DMZ: webrtc-gw dual-homed, no forwarding between its two sides.
  link dmz pub 203.0.113.10/24 inet dmz bridge:br0 || return 1
  link dmz priv 198.51.100.10/24 ent dmz bridge:br0 || return 1
  in_ns dmz sysctl -qw net.ipv4.ip_forward=0
  link sip eth0 198.51.100.20/24 ent sip bridge:br0 || return 1
  link agent eth0 198.51.100.30/24 ent agent bridge:br0 || return 1
  link phone eth0 198.51.100.31/24 ent phone bridge:br0 || return 1
  link media eth0 198.51.100.40/24 ent media bridge:br0 || return 1
  # NAT-ed LANs: router "wan" on the Internet, "lan" towards one browser host.
  local spec node lan host wan pfx
  for spec in cnat:cust:1:21 rnat:remote:2:22 enat:eagent:3:30; do
    IFS=: read -r node host lan wan <<<"$spec"
    pfx=100.64.$lan
    link "$node" wan "203.0.113.$wan/24" inet "$node" bridge:br0 || return 1
    link "$node" lan "$pfx.1/24" "$host" eth0 "$pfx.2/24" || return 1
    ip -n "$(nsname "$host")" route add default via "$pfx.1" || return 1
    nat "$node" || return 1
  done
  # The enterprise's STUN server, on the Internet side of the enterprise NAT.
  link estun eth0 203.0.113.31/24 inet estun bridge:br0 || return 1
}

# ---- servers ---------------------------------------------------------------
write_users() {
  local d=$LAB_DIR/kamailio/db dn id=1
  mkdir -p "$d"
  printf 'id(int,auto) table_name(string) table_version(int) \n0:version:1\n0:subscriber:7\n0:location:9\n0:location_attrs:1\n' >"$d/version"
  {
    echo 'id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string) '
    for dn in 2001 2002 2003 2004 2005 2006 2007 2008 2009 2010 3001 3002 gateway; do
      echo "$id:$dn:$DOMAIN:secret-$dn:-:-"
      id=$((id + 1))
    done
  } >"$d/subscriber"
  : >"$LAB_DIR/sip-credentials"
  for dn in 2001 2002 2003 2004 2005 2006 2007 2008 2009 2010; do echo "$dn secret-$dn" >>"$LAB_DIR/sip-credentials"; done
  chmod 600 "$LAB_DIR/sip-credentials"
}

start_kamailio() {
  local defs=(-A "DBURL=\"text://$LAB_DIR/kamailio/db\"")
  [[ ${LAB_INVITE_AUTH:-0} == 1 ]] && defs+=(-A WITH_INVITE_AUTH)
  mkdir -p "$LAB_DIR/kamailio/run"
  start kamailio sip kamailio -f "$LAB_HERE/kamailio.cfg" -DD -E -Y "$LAB_DIR/kamailio/run" -w "$LAB_DIR/kamailio/run" \
    -l udp:198.51.100.20:5060 "${defs[@]}" -m 32 -M 8
  wait_udp sip 198.51.100.20:5060 10
}

write_baresip() {
  local d=$LAB_DIR/baresip
  mkdir -p "$d"
  cat >"$d/config" <<EOF
poll_method		epoll
sip_listen		198.51.100.31:5060
sip_trans_def		udp
audio_source		ausine,440
ausrc_srate		48000
ausrc_channels		2
audio_player		none,none
audio_alert		none,none
rtp_ports		16000-16099
net_interface		eth0
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module_app		account.so
EOF
  echo "<sip:3002@$DOMAIN>;auth_pass=secret-3002;outbound=\"sip:198.51.100.20:5060\";regint=60;answermode=auto;audio_codecs=PCMU,PCMA" >"$d/accounts"
}

# gw_has OPTION: whether webrtc-gw's --help lists OPTION (the help is read
# once per `up`, retried while the binary is being relinked).
gw_has() {
  local f=$LAB_DIR/gw-help i
  if [[ ! -s $f ]] || ! grep -q -- --public-bind "$f"; then
    for ((i = 0; i < 10; i++)); do
      "$GW_BIN" --help >"$f" 2>&1 && grep -q -- --public-bind "$f" && break
      sleep 1
    done
  fi
  grep -q -- "$1" "$f"
}

sip_mode() {
  case $LAB_SIP in
    1) return 0 ;;
    0) return 1 ;;
    *) gw_has --sip-registrar ;;
  esac
}

start_gateway() {
  local args=(--public-bind 203.0.113.10 --https-port 8443 --media-port 40000 --media-threads 1
    --stun stun:203.0.113.3:3478 --state-dir "$LAB_DIR/gw-state" --web-root "$REPO/web"
    --ring-timeout "$LAB_RING_TIMEOUT" --json -v)
  if sip_mode; then
    args+=(--private-bind 198.51.100.10 --sip-port 5060 --rtp-ports 20000-20999
      --sip-registrar sip:198.51.100.20 --sip-domain "$DOMAIN" --sip-credentials "$LAB_DIR/sip-credentials")
    gw_has --sip-register-expires && args+=(--sip-register-expires "$LAB_REG_EXPIRES")
    gw_has --sip-user && args+=(--sip-user gateway --sip-password secret-gateway)
    echo sip >"$LAB_DIR/gw-mode"
  else
    echo standalone >"$LAB_DIR/gw-mode"
  fi
  local more=()
  [[ -n ${LAB_GW_ARGS:-} ]] && read -r -a more <<<"$LAB_GW_ARGS"
  mkdir -p "$LAB_DIR/gw-state"
  echo "$GW_BIN ${args[*]} ${more[*]}" >"$LAB_DIR/gw-command"
  start webrtc-gw dmz "$GW_BIN" "${args[@]}" "${more[@]}"
  local i
  for ((i = 0; i < 150; i++)); do
    in_ns cust curl -ksf --max-time 1 -o /dev/null "$GW_URL/healthz" && return 0
    pid_of webrtc-gw >/dev/null || break
    sleep 0.1
  done
  lab_log "webrtc-gw is not reachable at $GW_URL from the customer LAN"
  tail -n 20 "$LAB_DIR/logs/webrtc-gw.err" >&2
  return 1
}

servers_up() {
  # Packet captures: every frame entering the enterprise switch (each frame
  # once), and the Internet switch.
  start capture-ent ent tcpdump -i any -Q in -U -n -w "$LAB_DIR/ent.pcap" udp || return 1
  start capture-inet inet tcpdump -i any -Q in -U -n -w "$LAB_DIR/inet.pcap" udp || return 1
  # Public STUN (coturn, RFC 5780 with two addresses) and the enterprise STUN.
  start stun inet turnserver -n --stun-only --no-cli --no-tls --no-dtls -L 203.0.113.3 -L 203.0.113.4 -p 3478 \
    --alt-listening-port 3479 --log-file "$LAB_DIR/logs/coturn.log" --simple-log \
    --pidfile "$LAB_DIR/run/coturn.pid" --db "$LAB_DIR/run/coturn.sqlite" || return 1
  start estun estun "$STUN_PROBE" serve --listen 203.0.113.31:3478 -q || return 1
  write_users
  start_kamailio || return 1
  # SIP agents: sipp echo with telephone-event (3001), sipp hanging up LAB_SECONDS + 5 s after the
  # answer (3003), sipp never
  # answering (3009); baresip 3002; the media server 4000.
  local sipp_common=(-nostdin -aa -trace_err -trace_msg -i 198.51.100.30 -mi 198.51.100.30)
  start agent-3001 agent sipp -sf "$LAB_HERE/sipp/agent_echo.xml" -rtp_echo "${sipp_common[@]}" -p 5060 -mp 6000 || return 1
  start agent-3003 agent sipp -sf "$LAB_HERE/sipp/agent_bye.xml" -d $(((LAB_SECONDS + 5) * 1000)) -rtp_echo "${sipp_common[@]}" -p 5062 -mp 6100 || return 1
  start agent-3009 agent sipp -sf "$LAB_HERE/sipp/agent_noanswer.xml" "${sipp_common[@]}" -p 5069 -mp 6200 || return 1
  mkdir -p "$LAB_DIR/run/media-4000"
  python3 "$LAB_HERE/lab_pcap.py" loop /usr/share/sip-tester/g711a.pcap "$LAB_DIR/run/media-4000/media.pcap" 8 || return 1
  start media-4000 media sipp -sf "$LAB_HERE/sipp/media_server.xml" -nostdin -aa -trace_err -trace_msg \
    -i 198.51.100.40 -mi 198.51.100.40 -p 5060 -mp 6000 || return 1
  write_baresip
  start baresip-3002 phone baresip -f "$LAB_DIR/baresip" || return 1
  local a
  for a in agent:198.51.100.30:5060 agent:198.51.100.30:5062 agent:198.51.100.30:5069 media:198.51.100.40:5060 \
    inet:203.0.113.3:3478 estun:203.0.113.31:3478 phone:198.51.100.31:5060; do
    wait_udp "${a%%:*}" "${a#*:}" 10 || return 1
  done
  start_gateway || return 1
}

need() {
  [[ $(id -u) == 0 ]] || die "needs root (network namespaces)"
  local c
  for c in ip iptables tcpdump turnserver kamailio sipp baresip curl python3 timeout node; do
    command -v "$c" >/dev/null || die "$c is missing: run scripts/install-deps.sh"
  done
  [[ -x $GW_BIN && -x $STUN_PROBE ]] || die "no binaries in $GW_BUILD_DIR/tools (build the project, or set GW_BUILD_DIR)"
}

ns_exists() { ip netns list | grep -qE "^$1( |\$)"; }
is_up() { [[ -f $LAB_DIR/up ]] && ns_exists "$(nsname dmz)"; }

cmd_up() {
  need
  if is_up; then lab_log "already up ($LAB_DIR)"; return 0; fi
  [[ -e $LAB_DIR/netns ]] && cmd_down
  local n
  for n in "${NODES[@]}"; do ns_exists "$(nsname "$n")" && die "namespace $(nsname "$n") exists: 'LAB_PREFIX=$P lab.sh down' or another LAB_PREFIX"; done
  # LAB_DIR is emptied: only if it is a lab's directory (or new, or empty).
  if [[ -d $LAB_DIR && -n $(ls -A "$LAB_DIR") && ! -d $LAB_DIR/pids ]]; then
    die "LAB_DIR=$LAB_DIR exists and is not a lab directory"
  fi
  rm -rf "$LAB_DIR"
  mkdir -p "$LAB_DIR/pids" "$LAB_DIR/logs" "$LAB_DIR/run"
  chmod 755 "$LAB_DIR"
  trap 'trap "" INT TERM; lab_log "interrupted: tearing down"; cmd_down; exit 1' INT TERM
  local t0=$SECONDS
  if ! net_up || ! servers_up; then
    lab_log "up failed: tearing down"
    cmd_down
    exit 1
  fi
  trap - INT TERM
  date +%s >"$LAB_DIR/up"
  lab_log "up in $((SECONDS - t0)) s: webrtc-gw ($(cat "$LAB_DIR/gw-mode") mode) at $GW_URL; logs in $LAB_DIR/logs"
}

cmd_down() {
  local f name ns pid
  if [[ -d $LAB_DIR/pids ]]; then
    # The gateway first (it unregisters its DNs), the captures last.
    for name in webrtc-gw baresip-3002 media-4000 agent-3001 agent-3003 agent-3009 kamailio estun stun; do stop "$name"; done
    for f in "$LAB_DIR"/pids/*; do [[ -e $f ]] && stop "$(basename "$f")"; done
  fi
  # Whatever still runs in our namespaces (a browser a killed driver left).
  local all=()
  [[ -f $LAB_DIR/netns ]] && mapfile -t all <"$LAB_DIR/netns"
  for name in "${NODES[@]}"; do all+=("$(nsname "$name")"); done
  for ns in $(printf '%s\n' "${all[@]}" | sort -u); do
    ns_exists "$ns" || continue
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null || lab_log "could not delete namespace $ns"
  done
  rm -f "$LAB_DIR/netns" "$LAB_DIR/up"
  lab_log "down (logs kept in $LAB_DIR)"
}

cmd_status() {
  if ! is_up; then echo "lab $P: down"; return 1; fi
  echo "lab $P: up since $(date -d "@$(cat "$LAB_DIR/up")" +%T), webrtc-gw in $(cat "$LAB_DIR/gw-mode") mode, dir $LAB_DIR"
  local f name pid
  for f in "$LAB_DIR"/pids/*; do
    name=$(basename "$f")
    if pid=$(pid_of "$name"); then printf '  %-14s pid %-7s running\n' "$name" "$pid"
    else printf '  %-14s DEAD (see %s/logs/%s.err)\n' "$name" "$LAB_DIR" "$name"; fi
  done
  echo "  gateway: $GW_URL (public), 198.51.100.10:5060 SIP (private)"
  printf '  customer LAN sees the gateway: '
  in_ns cust curl -ksf --max-time 2 -o /dev/null -w '%{http_code}\n' "$GW_URL/healthz" || echo "NO"
  local node stun
  for node in cust:203.0.113.3 remote:203.0.113.3 eagent:203.0.113.31; do
    stun=${node#*:}
    printf '  %-7s reflexive address via STUN %s: ' "${node%%:*}" "$stun"
    in_ns "${node%%:*}" "$STUN_PROBE" --timeout 2 --json "$stun" 2>/dev/null | grep -o '"mapped":"[^"]*"' |
      head -n 1 | cut -d'"' -f4 | grep . || echo "no answer"
  done
  echo "  registrations at Kamailio (last REGISTER per AOR):"
  grep -o 'LAB: REGISTER [^ ]* from [^ ]* contact [^ ]*' "$LAB_DIR/logs/kamailio.err" 2>/dev/null |
    awk '{last[$3]=$3 " from " $5 " contact " $7} END {for (k in last) print "    " last[k]}' | sort
}

usage() { sed -n '2,/^set -uo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2; }

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case $cmd in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    exec) [[ $# -ge 2 ]] || usage; local node=$1; shift; in_ns "$node" "$@" ;;
    run)
      [[ $# -ge 1 ]] || usage
      # shellcheck source=cases.sh
      source "$LAB_HERE/cases.sh"
      known_cases "$@" || exit 2
      local brought=0 rc
      if ! is_up; then
        cmd_up || exit 1
        brought=1
      fi
      # A signal ends the run (once: timeout(1) and Ctrl-C may deliver it
      # twice); the EXIT trap stops the browsers and takes down what we made.
      if ((brought)) && [[ ${LAB_KEEP:-0} != 1 ]]; then trap 'trap "" INT TERM; bg_cleanup; cmd_down' EXIT
      else trap 'trap "" INT TERM; bg_cleanup' EXIT; fi
      trap 'trap "" INT TERM; exit 130' INT TERM
      run_cases "$@"
      rc=$?
      return $rc
      ;;
    -h | --help | help | '') usage ;;
    *) usage ;;
  esac
}

main "$@"
