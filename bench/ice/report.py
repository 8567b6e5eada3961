#!/usr/bin/env python3
"""bench/ice report: ice_bench's JSON lines -> the ice-bench section of docs/BENCHMARKS.md.

  report.py markdown RESULTS.jsonl COMMAND MACHINE   -> the section on stdout
  report.py write-doc DOC SECTION.md                 -> replace/append it between the ice-bench markers
"""
import json
import statistics
import sys

BEGIN, END = "<!-- ice-bench:begin -->", "<!-- ice-bench:end -->"
IMPLS = ("libnice", "gateway port")


def med(values):
    """'median (min–max)' of a list, 2 significant decimals."""
    if not values:
        return "–"
    m = statistics.median(values)
    lo, hi = min(values), max(values)
    fmt = (lambda v: f"{v:.2f}") if max(abs(hi), abs(m)) < 100 else (lambda v: f"{v:,.0f}".replace(",", " "))
    return f"{fmt(m)} ({fmt(lo)}–{fmt(hi)})" if len(values) > 1 else fmt(m)


def per_packet(s):
    """Per-sample figures in µs per packet."""
    rx, tx = max(s["received"], 1), max(s["sent"], 1)
    recv = s["recv_cpu_ns"] / rx / 1000
    send_call = s["send_call_ns"] / tx / 1000
    return {
        "recv": recv,
        "send_call": send_call,
        "send_thread": s["send_cpu_ns"] / tx / 1000,
        "relay": recv + send_call,
        "pps": s["received"] / (s["wall_ns"] / 1e9),
        "loss": 100.0 * (1 - s["received"] / tx),
        "recv_cpu_pct": 100.0 * s["recv_cpu_ns"] / s["wall_ns"],
    }


def markdown(results, command, machine):
    lines = [json.loads(l) for l in open(results) if l.strip()]
    meta = next(l for l in lines if l["kind"] == "meta")
    setups = {l["flows"]: l for l in lines if l["kind"] == "setup"}
    samples = [l for l in lines if l["kind"] == "sample"]
    groups = {}
    for s in samples:
        groups.setdefault((s["mode"], s["flows"], s["impl"]), {})[s["rep"]] = per_packet(s)
    keys = sorted({(m, f) for m, f, _ in groups if m != "idle"}, key=lambda k: (k[0] != "rate", k[1]))
    idle = {}  # (flows, impl) -> [CPU µs per leg-second, both loop threads]
    for s in samples:
        if s["mode"] == "idle":
            legs = 2 * s["flows"] if s["impl"] == "libnice" else s["flows"]
            idle.setdefault((s["flows"], s["impl"]), []).append(
                (s["recv_cpu_ns"] + s["send_cpu_ns"]) / 1000 / legs / (s["wall_ns"] / 1e9))
    out = ["## ICE transport: libnice's per-packet path vs the gateway's own socket (ICE-lite)", ""]
    out.append(
        f"Measured by `bench/ice/run.sh` on {machine}. One `ice_bench` process, {meta['reps']} repetitions, "
        f"(a) and (b) interleaved in every repetition (the order alternating). {meta['size']}-byte RTP packets, "
        f"no SRTP in either: this compares the transport/ICE layer only. Loopback.")
    out.append("")
    out.append(
        "- **(a) libnice**: N pairs of `libcore/ice` agents (full ICE, host candidates on 127.0.0.1, consent "
        "freshness on), all A agents on one GLib loop thread, all B agents on another. After every pair is "
        "ready, A calls `Agent::send`; B's `on_data` callback classifies (RFC 7983) and counts.")
    out.append(
        "- **(b) gateway port**: what `MediaShard` does (ICE-lite answered by the project's sans-IO STUN code on "
        "the shard's own socket): one `net::DatagramPort` with sendmmsg batching sends to N \"browser\" "
        "sockets, which send each packet back to one receiving `DatagramPort` (recvmmsg, 32 per call) whose "
        "handler does what `MediaShard::on_datagram` does before SRTP: STUN test, hash lookup of the source "
        "address among the N legs, RFC 7983 classify. The browsers' reflector thread is not counted.")
    out.append(
        f"- Load: `rate` = {meta['rate']} packets/s per flow, flows staggered over the period "
        f"({meta['seconds']:g} s); `flat` = the sender posts bursts of 64 packets back to back "
        f"({meta['flat_seconds']:g} s): as fast as the shared machine lets the threads run, more packets per "
        f"wake-up; loss, where any, is socket buffers overflowing. Every window: 0.3 s warm-up, snapshot, load, "
        f"drain until quiet, snapshot, so it holds every packet it sent.")
    out.append(
        "- CPU: `CLOCK_THREAD_CPUTIME_ID` of the loop threads. **recv** = receiving thread's CPU / packets "
        "received (all of it: wake-ups, poll, libnice's timers and consent checks in (a)); **send** = CPU "
        "inside the send calls / packets sent, measured on the sending thread around each burst "
        f"(one clock read, {meta['clock_read_ns']} ns, subtracted); **send thr** = the whole sending thread / "
        "packets sent (adds the pacing wake-ups and the loop's own work); **relay** = recv + send, the "
        "ICE/transport cost of one relayed packet (each packet is received once and sent once).")
    out.append("")
    out.append("```")
    out.append(command)
    out.append("```")
    out.append("")
    rate_n = [f for m, f in keys if m == "rate"]
    if rate_n:
        n = max(rate_n)
        a, b = groups.get(("rate", n, "libnice"), {}), groups.get(("rate", n, "gateway port"), {})
        both = sorted(set(a) & set(b))
        if both:
            ra = statistics.median(a[r]["relay"] for r in both)
            rb = statistics.median(b[r]["relay"] for r in both)
            ca = statistics.median(a[r]["recv_cpu_pct"] for r in both)
            cb = statistics.median(b[r]["recv_cpu_pct"] for r in both)
            out.append(f"Headline ({meta['rate']} packets/s × {n} flows): one relayed packet costs {ra:.1f} µs of "
                       f"CPU through libnice against {rb:.1f} µs through the gateway's own socket "
                       f"({ra / rb:.1f}×); receiving alone takes {ca:.0f} % of a core with libnice against "
                       f"{cb:.0f} %.")
            out.append("")
    out.append("Medians over the repetitions, min–max in brackets; µs of CPU per packet.")
    out.append("")
    out.append("| load | flows | path | recv µs | send µs | send thr µs | relay µs | relay pkt per CPU-s | received pkt/s | loss % | recv thread CPU % |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for mode, flows in keys:
        for impl in IMPLS:
            reps = groups.get((mode, flows, impl))
            if not reps:
                continue
            col = lambda k: [r[k] for r in reps.values()]
            relay_rate = [1e6 / r["relay"] for r in reps.values() if r["relay"] > 0]
            label = "(a) libnice" if impl == "libnice" else "(b) gateway port"
            out.append(f"| {mode} | {flows} | {label} | {med(col('recv'))} | {med(col('send_call'))} | "
                       f"{med(col('send_thread'))} | {med(col('relay'))} | {med(relay_rate)} | "
                       f"{med(col('pps'))} | {med(col('loss'))} | {med(col('recv_cpu_pct'))} |")
    out.append("")
    out.append("Ratios (a)/(b), each repetition's (a) over the same repetition's (b): median (min–max).")
    out.append("")
    out.append("| load | flows | recv | send | send thr | relay |")
    out.append("|---|---|---|---|---|---|")
    for mode, flows in keys:
        a, b = groups.get((mode, flows, "libnice"), {}), groups.get((mode, flows, "gateway port"), {})
        reps = sorted(set(a) & set(b))
        ratio = lambda k: [a[r][k] / b[r][k] for r in reps if b[r][k] > 0]
        out.append(f"| {mode} | {flows} | {med(ratio('recv'))}× | {med(ratio('send_call'))}× | "
                   f"{med(ratio('send_thread'))}× | **{med(ratio('relay'))}×** |")
    spreads = []
    for (mode, flows, impl), reps in groups.items():
        relay = [r["relay"] for r in reps.values()]
        if mode != "idle" and len(relay) > 1:
            spreads.append(((max(relay) - min(relay)) / statistics.median(relay), mode, flows, impl))
    if spreads:
        worst = max(spreads)
        typical = statistics.median(x[0] for x in spreads)
        out.append("")
        out.append(f"Noise: the relay figure's min–max spread is {100 * typical:.0f} % of the median in a typical "
                   f"row and {100 * worst[0]:.0f} % at worst ({worst[1]}, N={worst[2]}, {worst[3]}).")
    out.append("")
    out.append("Resources per leg (measured at set-up: /proc/self/fd, /proc/self/task, RSS; (a) per agent = "
               "delta / 2N; connect = creating the N pairs until every agent is ready; idle = CPU of both loop threads "
               "with no media, per leg per second (libnice: its timers and RFC 7675 consent checks; the gateway "
               "port's own tick is not part of this bench)):")
    out.append("")
    out.append("| flows | (a) fds per agent | (a) threads added | (a) RSS KiB per agent | (a) connect ms | "
               "(a) idle µs per leg-s | (b) fds for all legs | (b) threads for all legs | (b) idle µs per leg-s |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for flows, s in sorted(setups.items()):
        out.append(f"| {flows} | {s['nice_fds'] / (2 * flows):.2f} | {s['nice_threads']} | "
                   f"{s['nice_rss_kib'] / (2 * flows):.0f} | {s['connect_ms']:.0f} | "
                   f"{med(idle.get((flows, 'libnice'), []))} | {s['port_fds']} | {s['port_threads']} | "
                   f"{med(idle.get((flows, 'gateway port'), []))} |")
    out.append("")
    out.append(
        "Sockets and threads per leg: (a) libnice opens, per agent component, one UDP socket per local address "
        "and one eventfd (the component's GCancellable), each attached as a GSource to the agent's GLib context; "
        "every loop iteration prepares/checks and polls all of them, so a wake-up costs O(agents on the loop): "
        "(a)'s idle cost per leg grows with N, and its receive cost per packet falls far less with N than "
        "(b)'s does as each wake-up carries more packets. It reads one datagram per recvmsg (plus one "
        "that returns EAGAIN per wake-up) and sends one per sendmsg. No thread per agent; the two threads are "
        "the bench's two GLib loops. (b) one UDP socket per shard for all legs (here one to receive, one to "
        "send; the other fds are the two Asio io_contexts' epoll/eventfd/timerfd), one thread per shard, "
        "recvmmsg/sendmmsg in batches of up to 32. Loopback caveat: the kernel's delivery of a datagram to the "
        "receiving socket runs in the sender's system call, so both **send** columns include the receiving "
        "side's IP/UDP stack and the ratio of the send columns understates the user-space difference.")
    return "\n".join(out)


def write_doc(doc, section_path):
    section = open(section_path).read().strip()
    block = f"{BEGIN}\n{section}\n{END}"
    try:
        text = open(doc).read()
    except FileNotFoundError:
        text = "# Benchmarks\n\nWritten by the scripts under `bench/`.\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(doc, "w") as f:
        f.write(text)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "markdown":
        print(markdown(sys.argv[2], sys.argv[3], sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "write-doc":
        write_doc(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
