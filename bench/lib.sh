# Helpers for the benchmark scripts (sourced; bash). PIDS: every process a
# script started, so that its EXIT trap can stop them all by PID.

free_port() {  # tcp|udp: a free port on 127.0.0.1 of the current namespace
  python3 -c "import socket,sys; s=socket.socket(type=socket.SOCK_STREAM if sys.argv[1]=='tcp' else socket.SOCK_DGRAM); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])" "$1"
}

forget_pid() { local p keep=(); for p in "${PIDS[@]:-}"; do [ "$p" != "$1" ] && keep+=("$p"); done; PIDS=("${keep[@]:-}"); }

stop_pid() {  # PID: TERM, then KILL after 10 s
  local i
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}

stop_pids() { local p; for p in "$@"; do stop_pid "$p"; done; }

SAMPLER=
start_sampler() {  # PID FILE: unix_ms cpu_ticks threads rss_pages fds, every 0.25 s
  ( while [ -r "/proc/$1/stat" ]; do
      s=$(awk '{print $14 + $15, $20, $24}' "/proc/$1/stat" 2>/dev/null) || break
      echo "$(date +%s%3N) $s $(ls "/proc/$1/fd" 2>/dev/null | wc -l)"
      sleep 0.25
    done ) >"$2" &
  SAMPLER=$!; PIDS+=("$SAMPLER")
}

CPU_SAMPLER=
start_cpu_sampler() {  # CPU FILE: unix_ms idle+iowait ticks of that CPU (/proc/stat), every 0.25 s
  ( while :; do
      echo "$(date +%s%3N) $(awk -v c="cpu$1" '$1 == c {print $5 + $6}' /proc/stat)"
      sleep 0.25
    done ) >"$2" &
  CPU_SAMPLER=$!; PIDS+=("$CPU_SAMPLER")
}
