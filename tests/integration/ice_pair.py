#!/usr/bin/env python3
"""Drives two ice-session processes against each other (tests only).

Each session's local ICE parameters (JSON events on stdout) are forwarded to
the other one as stdin commands (remote-credentials, remote-candidate,
end-of-candidates). Once both report a selected pair, numbered datagrams are
sent into both pipes at once and checked bit-exact out of the other pipe.
Pipes are unix datagram sockets (they work across network namespaces) or
loopback UDP. Optionally kills one side and times how long the other takes
to notice (consent freshness, RFC 7675).

Writes a JSON summary (--summary) and exits 0 when every requested check held.
"""
import argparse, json, os, shlex, signal, socket, struct, subprocess, sys, tempfile, threading, time


class Session:
    def __init__(self, name, argv, log_dir):
        self.name = name
        self.argv = argv
        self.events = []
        self.pair = None
        self.failed = None
        self.cond = threading.Condition()
        self.err = open(os.path.join(log_dir, f"{name}.stderr"), "w")
        self.out_log = open(os.path.join(log_dir, f"{name}.events"), "w")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err,
                                     text=True, bufsize=1)
        self.peer = None
        self.thread = threading.Thread(target=self._read, daemon=True)

    def send(self, obj):
        try:
            self.proc.stdin.write(json.dumps(obj) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass

    def _read(self):
        for line in self.proc.stdout:
            self.out_log.write(line)
            self.out_log.flush()
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            with self.cond:
                self.events.append(ev)
                kind = ev.get("event")
                if kind == "selected-pair":
                    self.pair = ev
                elif kind == "failed":
                    self.failed = ev
                self.cond.notify_all()
            self.forward(ev)

    def forward(self, ev):
        kind = ev.get("event")
        if self.peer is None:
            return
        if kind == "local-credentials":
            self.peer.send({"cmd": "remote-credentials", "ufrag": ev["ufrag"], "pwd": ev["pwd"]})
        elif kind == "local-candidate":
            self.peer.send({"cmd": "remote-candidate", "candidate": ev["candidate"]})
        elif kind == "end-of-candidates":
            self.peer.send({"cmd": "end-of-candidates"})

    def wait_pair(self, deadline):
        with self.cond:
            while self.pair is None and self.failed is None and time.monotonic() < deadline:
                self.cond.wait(0.1)
            return self.pair

    def stop(self, close=True):
        if self.proc.poll() is None and close:
            self.send({"cmd": "close"})
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode


def payload(direction, seq, size):
    head = struct.pack("!II", direction, seq)
    body = bytes(((seq * 31 + i * 7 + direction) & 0xFF) for i in range(size - len(head)))
    return head + body


def open_pipe(kind, tmp, name):
    """Returns (socket, its address, the URI ice-session binds, the URI it sends to)."""
    if kind == "unix":
        mine, theirs = os.path.join(tmp, f"drv-{name}.sock"), os.path.join(tmp, f"ice-{name}.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(mine)
        return s, theirs, f"unix:{theirs}", f"unix:{mine}"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return s, ("127.0.0.1", port), f"udp:127.0.0.1:{port}", f"udp:127.0.0.1:{s.getsockname()[1]}"


def send_retry(sock, data, addr):
    sock.settimeout(2)  # blocking: a full unix socket queue waits for ice-session
    sock.sendto(data, addr)


def stream(pipes, count, sizes, rate):
    """Sends `count` datagrams into each pipe, reads them out of the other.

    One blocking reader thread per pipe: unix datagram queues hold only
    net.unix.max_dgram_qlen (often 10) datagrams, so reading must not wait
    for the sender."""
    (sa, addr_a), (sb, addr_b) = pipes
    got = {0: set(), 1: set()}  # direction -> seqs received intact
    bad = [0]
    lock = threading.Lock()
    done = threading.Event()

    def reader(sock, direction):
        sock.settimeout(0.2)
        while not done.is_set():
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            ok = len(data) >= 8
            if ok:
                d, seq = struct.unpack("!II", data[:8])
                ok = d == direction and len(data) == sizes[seq % len(sizes)] and data == payload(d, seq, len(data))
            with lock:
                if ok:
                    got[direction].add(seq)
                else:
                    bad[0] += 1

    threads = [threading.Thread(target=reader, args=(sb, 0), daemon=True),  # A -> B comes out of B's pipe
               threading.Thread(target=reader, args=(sa, 1), daemon=True)]
    for t in threads:
        t.start()
    start = time.monotonic()
    for seq in range(count):
        delay = start + seq / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        size = sizes[seq % len(sizes)]
        send_retry(sa, payload(0, seq, size), addr_a)
        send_retry(sb, payload(1, seq, size), addr_b)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with lock:
            if len(got[0]) >= count and len(got[1]) >= count:
                break
        time.sleep(0.05)
    done.set()
    for t in threads:
        t.join()
    return {"sent_each_way": count, "a_to_b": len(got[0]), "b_to_a": len(got[1]), "corrupt": bad[0]}


def restart(a, b, args, summary, pipes):
    """ICE restart (RFC 8445 §9) from A: both must announce new credentials,
    select a pair again, and carry the stream again."""
    creds = lambda s: [e["ufrag"] for e in s.events if e.get("event") == "local-credentials"]
    before_a, before_b = len(creds(a)), len(creds(b))
    with a.cond, b.cond:
        a.pair = b.pair = None
    a.send({"cmd": "restart"})
    deadline = time.monotonic() + args.connect_timeout
    pa, pb = a.wait_pair(deadline), b.wait_pair(deadline)
    ca, cb = creds(a), creds(b)
    summary["restart"] = {"a_ufrags": ca, "b_ufrags": cb, "pair_again": pa is not None and pb is not None}
    if pa is None or pb is None:
        return False
    summary["restart"]["stream"] = st = stream(pipes, args.count, [20, 160, 172, 1200, 64, 999], args.rate)
    return (len(ca) == before_a + 1 and len(cb) == before_b + 1 and ca[-1] != ca[-2] and cb[-1] != cb[-2]
            and st["a_to_b"] == args.count and st["b_to_a"] == args.count and st["corrupt"] == 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True, help="argv of session A (shell words)")
    ap.add_argument("--b", required=True, help="argv of session B (shell words)")
    ap.add_argument("--pipe", choices=["unix", "udp"], default="unix")
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--rate", type=float, default=500.0, help="datagrams per second per direction")
    ap.add_argument("--connect-timeout", type=float, default=20)
    ap.add_argument("--kill", choices=["a", "b"], help="after the stream, SIGKILL this side")
    ap.add_argument("--within", type=float, default=35, help="seconds the other side may take to exit")
    ap.add_argument("--restart", action="store_true", help="after the stream, ICE restart from A and stream again")
    ap.add_argument("--close-may-race", action="store_true", help="accept exit 5 after close (TCP pairs)")
    ap.add_argument("--summary", required=True)
    ap.add_argument("--log-dir", required=True)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(124))

    tmp = tempfile.mkdtemp(prefix="ice-pair.", dir=args.log_dir)
    os.chmod(tmp, 0o755)
    pipe_a = open_pipe(args.pipe, tmp, "a")
    pipe_b = open_pipe(args.pipe, tmp, "b")
    summary = {"ok": False}
    sessions = []
    try:
        a = Session("a", shlex.split(args.a) + ["--json", "--pipe", pipe_a[2], "--pipe-remote", pipe_a[3]],
                    args.log_dir)
        b = Session("b", shlex.split(args.b) + ["--json", "--pipe", pipe_b[2], "--pipe-remote", pipe_b[3]],
                    args.log_dir)
        sessions = [a, b]
        a.peer, b.peer = b, a
        t0 = time.monotonic()
        a.thread.start()
        b.thread.start()
        deadline = t0 + args.connect_timeout
        pa, pb = a.wait_pair(deadline), b.wait_pair(deadline)
        summary["connect_seconds"] = round(time.monotonic() - t0, 3)
        summary["a"] = {"pair": pa, "failed": a.failed}
        summary["b"] = {"pair": pb, "failed": b.failed}
        if pa is None or pb is None:
            summary["error"] = "no selected pair on both sides"
            return 1
        summary["stream"] = stream([(pipe_a[0], pipe_a[1]), (pipe_b[0], pipe_b[1])], args.count,
                                   [20, 160, 172, 1200, 64, 999], args.rate)
        st = summary["stream"]
        ok = st["a_to_b"] == args.count and st["b_to_a"] == args.count and st["corrupt"] == 0
        if args.restart:
            ok = restart(a, b, args, summary, [(pipe_a[0], pipe_a[1]), (pipe_b[0], pipe_b[1])]) and ok
        if args.kill:
            victim, survivor = (a, b) if args.kill == "a" else (b, a)
            victim.proc.kill()
            t_kill = time.monotonic()
            try:
                code = survivor.proc.wait(args.within)
            except subprocess.TimeoutExpired:
                code = None
            summary["survivor_exit"] = code
            summary["survivor_seconds"] = round(time.monotonic() - t_kill, 3)
        else:
            a.send({"cmd": "close"})
            b.send({"cmd": "close"})
            summary["exit_a"] = a.stop()
            summary["exit_b"] = b.stop()
            # Over ICE-TCP a session may see the other's close first: peer gone (5).
            fine = (0, 5) if args.close_may_race else (0,)
            ok = ok and summary["exit_a"] in fine and summary["exit_b"] in fine
        summary["ok"] = ok
        return 0 if ok else 1
    finally:
        for s in sessions:
            s.stop(close=False)
        with open(args.summary, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
