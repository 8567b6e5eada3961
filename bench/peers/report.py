#!/usr/bin/env python3
"""The Markdown table of bench/peers/run.sh (stdlib only).

  report.py RUNS.jsonl   (lines of bench/gw_load/report.py run, each with "peer")

Per peer and call count: median (range) over the runs of the peer's CPU ms
per call-second, and its ratio to webrtc-gw's median at the same call count
in the same run; loss; RSS and threads per call (during minus before, over
the calls up). No set-up time: for rtpengine and Janus it would be
peer_gateway.py's (Python, HTTP long polls), not the peer's.
"""
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gw_load"))
from report import med  # noqa: E402


def per_call(r, key):
    up = r["load"].get("calls_up", 0)
    if not up or "during" not in r or "before" not in r:
        return None
    return (r["during"][key] - r["before"][key]) / up


def main(path):
    runs = [json.loads(line) for line in open(path) if line.strip()]
    peers = list(dict.fromkeys(r["peer"] for r in runs))
    print("| peer | calls | up | loss % | CPU ms per call-s | × webrtc-gw | RSS KiB per call | threads per call "
          "|")
    print("|" + "---|" * 8)
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
                  f"| {med([per_call(r, 'rss_kib') for r in rs])} | {med([per_call(r, 'threads') for r in rs], '{:.2f}')} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
