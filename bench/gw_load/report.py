#!/usr/bin/env python3
"""Figures and the Markdown section for bench/gw_load/run.sh (stdlib only).

  report.py run SAMPLES SUMMARY.json CALLS REP        -> one JSON line: a gw_load run + the gateway's /proc figures
  report.py bare PPS LOAD_JSON DIRECTION CPU_S       -> one JSON line: the bare loop at that load
  report.py markdown RUNS.jsonl SIGNIN.jsonl BARE.jsonl COMMAND [BINARY]  -> the section on stdout
  report.py write-doc DOC SECTION.md                  -> replace/append it between the gw-bench markers

SAMPLES lines (run.sh's sampler, every 0.25 s): unix_ms cpu_ticks threads rss_pages fds
"""
import json
import os
import re
import statistics
import sys

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") / 1024
BEGIN, END = "<!-- gw-bench:begin -->", "<!-- gw-bench:end -->"


def samples(path):
    out = []
    for line in open(path):
        f = line.split()
        if len(f) == 5:
            out.append(tuple(int(x) for x in f))
    return out


def ticks_at(s, t):
    """CPU ticks at Unix ms t, interpolated between the samples around it."""
    before = [x for x in s if x[0] <= t]
    after = [x for x in s if x[0] >= t]
    if not before or not after:
        return None
    a, b = before[-1], after[0]
    if b[0] == a[0]:
        return a[1]
    return a[1] + (b[1] - a[1]) * (t - a[0]) / (b[0] - a[0])


def socket_drops(ss_path):
    """The d<N> (sk_drops) of `ss -uam` for the gateway's media socket(s)."""
    try:
        return sum(int(x) for x in re.findall(r"\bd(\d+)\)", open(ss_path).read()))
    except OSError:
        return None


def gateway_counts(events_path):
    """Sums of packets_in/packets_out over the gateway's call-ended events (its own view)."""
    tin = tout = 0
    try:
        for line in open(events_path):
            if '"call-ended"' in line:
                e = json.loads(line)
                tin, tout = tin + e.get("packets_in", 0), tout + e.get("packets_out", 0)
    except (OSError, json.JSONDecodeError):
        return None
    return {"packets_in": tin, "packets_out": tout}


def cmd_run(path, summary_path, calls, rep, ss_path="", events_path=""):
    s = samples(path)
    try:
        load = json.load(open(summary_path))
    except (OSError, json.JSONDecodeError):
        load = {}
    t0, t1 = load.get("media_start_ms", 0), load.get("media_end_ms", 0)
    up = load.get("calls_up", 0)
    r = {"calls": int(calls), "rep": int(rep), "load": load,
         "gw_socket_drops": socket_drops(ss_path), "gw_counts": gateway_counts(events_path)}
    if s:
        first, last = s[0], s[-1]
        r["before"] = {"rss_kib": first[3] * PAGE_KIB, "threads": first[2], "fds": first[4]}
        r["after"] = {"rss_kib": last[3] * PAGE_KIB, "threads": last[2], "fds": last[4]}
    during = [x for x in s if t0 <= x[0] <= t1]
    c0, c1 = ticks_at(s, t0), ticks_at(s, t1)
    if during and c0 is not None and c1 is not None and t1 > t0:
        media_s = (t1 - t0) / 1000
        cpu_ms = (c1 - c0) * 1000 / CLK_TCK
        rss = statistics.median(x[3] for x in during) * PAGE_KIB
        r["during"] = {"rss_kib": rss, "threads": max(x[2] for x in during), "fds": max(x[4] for x in during),
                       "cpu_pct": 100 * cpu_ms / (media_s * 1000)}
        # Per call-second of media actually sent (50 packets): the generator may fall short of 50/s per call.
        call_s = load.get("media_packets_sent", 0) / 50 or up * media_s
        if up:
            r["cpu_ms_per_call_s"] = cpu_ms / call_s
            r["kib_per_call"] = (rss - r["before"]["rss_kib"]) / up
    print(json.dumps(r))


def cmd_bare(pps, result, direction, cpu_s):
    """srtp_bench load's JSON output and the relay's CPU seconds over that load."""
    r = json.loads(result)
    cpu = float(cpu_s)
    print(json.dumps({"pps": int(pps), "direction": direction,
                      "pkt_per_cpu_s": r["received"] / cpu if cpu else 0, "lost": r["sent"] - r["received"]}))


def med(values, fmt="{:.0f}"):
    """'median (min–max)' or just the value for one run; '–' when none."""
    v = [x for x in values if x is not None]
    if not v:
        return "–"
    m = fmt.format(statistics.median(v))
    return m if len(v) == 1 or min(v) == max(v) else f"{m} ({fmt.format(min(v))}–{fmt.format(max(v))})"


def bare_ms_per_call_s(bare, calls):
    """CPU ms the bare loop needs per call-second: 50 packets unprotected + 50 protected (echo)."""
    pps = calls * 50
    by = {b["direction"]: b["pkt_per_cpu_s"] for b in bare if b["pps"] == pps}
    if by.get("s2p") and by.get("p2s"):
        return 1000 * (50 / by["s2p"] + 50 / by["p2s"])
    return None


def table(runs, bare):
    out = ["| calls | up | sent % | loss % | RTT ms p50 / p95 | set-up ms p50 | ICE+DTLS ms p50 | gateway CPU % | gw_load CPU % "
           "| gateway CPU ms per call-s | bare loop ms per call-s | ratio | RSS KiB per call "
           "| threads before/during/after | fds before → after |",
           "|" + "---|" * 15]
    for calls in sorted({r["calls"] for r in runs}):
        rs = [r for r in runs if r["calls"] == calls]
        L = [r["load"] for r in rs]
        bare_ms = bare_ms_per_call_s(bare, calls)
        cpu = [r.get("cpu_ms_per_call_s") for r in rs]
        ratio = [c / bare_ms if c and bare_ms else None for c in cpu]
        th = lambda k: med([r.get(k, {}).get("threads") for r in rs])  # noqa: E731
        fd = lambda k: med([r.get(k, {}).get("fds") for r in rs])  # noqa: E731
        out.append(
            f"| {calls} | {med([l.get('calls_up') for l in L])} | {med([l.get('send_rate_pct') for l in L], '{:.1f}')} "
            f"| {med([l.get('loss_pct') for l in L], '{:.3f}')} "
            f"| {med([l.get('rtt_ms', {}).get('median') for l in L], '{:.2f}')} "
            f"/ {med([l.get('rtt_ms', {}).get('p95') for l in L], '{:.1f}')} "
            f"| {med([l.get('setup_ms', {}).get('median') for l in L], '{:.1f}')} "
            f"| {med([(l.get('ice_ms', {}).get('median') or 0) + (l.get('dtls_ms', {}).get('median') or 0) for l in L], '{:.1f}')} "
            f"| {med([r.get('during', {}).get('cpu_pct') for r in rs])} "
            f"| {med([l.get('generator', {}).get('media_cpu_pct') for l in L])} | {med(cpu, '{:.3f}')} "
            f"| {'–' if bare_ms is None else f'{bare_ms:.3f}'} | {med(ratio, '{:.2f}×')} "
            f"| {med([r.get('kib_per_call') for r in rs], '{:.1f}')} | {th('before')}/{th('during')}/{th('after')} "
            f"| {fd('before')} → {fd('after')} |")
    return out


def problems(runs):
    out = []
    for r in runs:
        l = r["load"]
        fails = l.get("failures", {}).get("calls", {})
        if fails or l.get("calls_up") != r["calls"] or l.get("misrouted") or l.get("srtp_drops"):
            out.append(f"- {r['calls']} calls, run {r['rep']}: up {l.get('calls_up')}, failures {json.dumps(fails)}, "
                       f"misrouted {l.get('misrouted')}, SRTP drops {l.get('srtp_drops')}, "
                       f"consent failures {l.get('consent', {}).get('failures')}")
        if l.get("send_rate_pct", 100) < 99:
            out.append(f"- {r['calls']} calls, run {r['rep']}: gw_load sent only {l['send_rate_pct']} % of the "
                       f"packets (its CPU {l.get('generator', {}).get('media_cpu_pct')} %): the generator fell "
                       "behind, so this row measures the shared machine more than the gateway")
        if l.get("loss_pct"):
            g = r.get("gw_counts") or {}
            out.append(f"- {r['calls']} calls, run {r['rep']}: loss {l.get('loss_pct')} %: gw_load sent "
                       f"{l.get('packets_sent')}, the gateway counted {g.get('packets_in', '?')} in and "
                       f"{g.get('packets_out', '?')} out, gw_load got {l.get('packets_received')} back; "
                       f"kernel drops at the gateway's media socket: {r.get('gw_socket_drops', '?')}; "
                       f"gw_load CPU {l.get('generator', {}).get('media_cpu_pct')} %, its tick up to "
                       f"{l.get('generator', {}).get('tick_late_max_ms')} ms late")
        b, a = r.get("before", {}), r.get("after", {})
        if b and a and a.get("fds", 0) > b.get("fds", 0):
            out.append(f"- {r['calls']} calls, run {r['rep']}: {a['fds'] - b['fds']} more fds after the calls ended (leak?)")
    return out


def cmd_markdown(runs_path, signin_path, bare_path, command, binary=""):
    runs = [json.loads(x) for x in open(runs_path) if x.strip()]
    signins = [json.loads(x) for x in open(signin_path) if x.strip()] if os.path.exists(signin_path) else []
    bare = [json.loads(x) for x in open(bare_path) if x.strip()] if os.path.exists(bare_path) else []
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    reps = max((r["rep"] for r in runs), default=0) + 1
    dur = runs[0]["load"].get("duration_s", "?") if runs else "?"
    loadavg = " ".join(open("/proc/loadavg").read().split()[:3])
    today = os.popen("date -u +%F").read().strip()
    out = ["## webrtc-gw: concurrent echo calls (gw_load)", "",
           f"Measured {today} by `bench/gw_load/run.sh`: {os.cpu_count()} CPUs "
           f"({model}), load average at the end {loadavg}. "
           f"Loopback; gateway and generator share the machine. Each row: a fresh gateway "
           "(`--media-threads 1`), gw_load sets the calls up over HTTPS (`POST /api/v1/calls`, "
           + ("target echo), " if os.environ.get("GW_LOAD_TARGET", "echo") == "echo" else
              f"target {os.environ['GW_LOAD_TARGET']}: the gateway in SIP mode bridges each browser leg to a plain "
              "RTP leg towards a sipp UAS that echoes the RTP), ") +
           "runs ICE, DTLS-SRTP and one 172-byte PCMU packet per 20 ms per call, and counts the echo; "
           f"{dur} s of media once all calls are up, then DELETE. {reps} run(s) per row: medians, min–max in brackets. "
           "Gateway CPU is utime+stime from /proc/PID/stat over the media phase only; RSS per call is "
           "(median RSS during media − RSS before) / calls. The bare loop is `srtp_bench relay` "
           "(bench/srtp) at the same packet rate, AEAD_AES_128_GCM through the gateway's OpenSSL cipher, both directions, costed at "
           "50 packets unprotected + 50 protected per call-second. That is two relays' worth of recvmmsg/sendmmsg "
           "for the crypto of one echo hop (the gateway receives and sends each packet once), so a ratio "
           "below 1 is possible and the column is a bound, not a target. gw_load's own CPU share is shown: "
           "when it nears 100 % the RTT column measures the generator more than the gateway. \"sent %\": packets "
           "gw_load sent during the media phase / (calls × 50 × seconds); below ~99 % the generator fell behind "
           "(it skips packets when its 5 ms tick is over 100 ms late), and gateway CPU is then counted per "
           "50 packets each way rather than per call-second." + (f" Gateway binary: {binary}." if binary else ""), "",
           "```", command, "```", ""]
    out += table(runs, bare)
    p = problems(runs)
    out += ["", "Problems seen:" if p else "No call failed, no packet lost, no fd left open after the calls ended."] + p
    if signins:
        out += ["", "Sign-ins (`gw_load --mode signin`: sessions connect at 20/s, then all say hello and sign in "
                "at once; rate = sign-ins / (first hello → last ok)):", "",
                "| sessions | signed in | sign-ins/s | signin ms p50 | p95 |", "|---|---|---|---|---|"]
        n = signins[0].get("sessions")
        out.append(f"| {n} | {med([s.get('signed_in') for s in signins])} "
                   f"| {med([s.get('signins_per_s') for s in signins], '{:.0f}')} "
                   f"| {med([s.get('signin_ms', {}).get('median') for s in signins], '{:.1f}')} "
                   f"| {med([s.get('signin_ms', {}).get('p95') for s in signins], '{:.1f}')} |")
    print("\n".join(out))


def cmd_write_doc(doc, section_path):
    section = open(section_path).read().rstrip("\n") + "\n"
    text = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n\nWritten by the scripts under `bench/`.\n"
    block = BEGIN + "\n" + section + END
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    open(doc, "w").write(text)


if __name__ == "__main__":
    cmds = {"run": cmd_run, "bare": cmd_bare, "markdown": cmd_markdown, "write-doc": cmd_write_doc}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](*sys.argv[2:])
