#!/usr/bin/env python3
"""The figures and Markdown table of bench/peers/run.sh (stdlib only).

  report.py tag PEER CPU_SAMPLES LOAD.json SETUP.json < RUN_LINE
      -> the line with "peer", "cpu0_ms_per_call_s" and setup_time.py's "setup_own_ms"
         (SETUP.json: /dev/null without --setup)
  report.py table RUNS.jsonl   (lines of bench/gw_load/report.py run, tagged)

CPU_SAMPLES: lib.sh start_cpu_sampler's lines, unix_ms idle+iowait ticks of
CPU 0; its busy time over the media phase is wall - idle - iowait.

Per peer and call count: median (range) over the runs of the peer's CPU ms
per call-second, and its ratio to webrtc-gw's median at the same call count
in the same run; loss; RSS and threads per call (during minus before, over
the calls up); with --setup, the peer's own share of call set-up
(setup_time.py, from a capture: not gw_load's POST-to-201, which for
rtpengine and Janus would include peer_gateway.py's Python and HTTP).
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gw_load"))
from report import CLK_TCK, med, ticks_at  # noqa: E402


def per_call(r, key):
    up = r["load"].get("calls_up", 0)
    if not up or "during" not in r or "before" not in r:
        return None
    return (r["during"][key] - r["before"][key]) / up


def tag(peer, cpu_samples, load_json, setup_json):
    r = json.loads(sys.stdin.read())
    r["peer"] = peer
    s = []
    for line in open(cpu_samples):
        f = line.split()
        if len(f) == 2:
            s.append((int(f[0]), int(f[1])))
    load = json.load(open(load_json))
    t0, t1 = load.get("media_start_ms", 0), load.get("media_end_ms", 0)
    i0, i1 = ticks_at(s, t0), ticks_at(s, t1)
    call_s = load.get("media_packets_sent", 0) / 50
    if i0 is not None and i1 is not None and t1 > t0 and call_s:
        busy_ms = (t1 - t0) - (i1 - i0) * 1000 / CLK_TCK
        r["cpu0_ms_per_call_s"] = busy_ms / call_s
    try:
        r["setup_own_ms"] = json.load(open(setup_json)).get("setup_own_ms", [])
    except (OSError, ValueError):
        pass
    print(json.dumps(r))


def setup_cell(ms):
    if not ms:
        return "–"
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"{statistics.median(ms):.2f} ({p95:.2f}, {len(ms)})"


def table(path):
    runs = [json.loads(line) for line in open(path) if line.strip()]
    peers = list(dict.fromkeys(r["peer"] for r in runs))
    print("| peer | calls | up | loss % | CPU ms per call-s | × webrtc-gw | CPU 0 busy ms per call-s "
          "| RSS KiB per call | threads per call | own set-up ms p50 (p95, n) |")
    print("|" + "---|" * 10)
    for calls in sorted({r["calls"] for r in runs}):
        ours = [r.get("cpu_ms_per_call_s") for r in runs if r["calls"] == calls and r["peer"] == "webrtc-gw"]
        ours = [x for x in ours if x]
        base = statistics.median(ours) if ours else None
        for peer in peers:
            rs = [r for r in runs if r["calls"] == calls and r["peer"] == peer]
            if not rs:
                continue
            cpu = [r.get("cpu_ms_per_call_s") for r in rs]
            good = [x for x in cpu if x]
            ratio = f"{statistics.median(good) / base:.2f}" if good and base else "–"
            L = [r["load"] for r in rs]
            print(f"| {peer} | {calls} | {med([l.get('calls_up') for l in L])} "
                  f"| {med([l.get('loss_pct') for l in L], '{:.3f}')} | {med(cpu, '{:.2f}')} | {ratio} "
                  f"| {med([r.get('cpu0_ms_per_call_s') for r in rs], '{:.2f}')} "
                  f"| {med([per_call(r, 'rss_kib') for r in rs])} | {med([per_call(r, 'threads') for r in rs], '{:.2f}')} "
                  f"| {setup_cell([x for r in rs for x in r.get('setup_own_ms', [])])} |")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "tag":
        tag(*sys.argv[2:])
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        sys.exit(__doc__)
