#!/usr/bin/env python3
"""Reads a sipp -trace_msg log (-message_file) into messages.

  sipp_log.py MESSAGE_LOG     prints one JSON line per message:
                              {"t": seconds since the first, "dir": "received"|"sent",
                               "line": first line}

As a module: messages(text) yields dicts with t, dir, line, headers (names
lower-case) and, for requests, method and uri.
"""
import datetime
import json
import re
import sys

# "----------------------------------------------- 2024-05-01\t12:00:00.123456\t1714564800.123456"
SEPARATOR = re.compile(r"^-{10,}\s*(\S+)\s+(\S+).*$", re.M)


def messages(text):
    parts = SEPARATOR.split(text)
    t0 = None
    for i in range(1, len(parts) - 2, 3):
        when = datetime.datetime.fromisoformat(f"{parts[i]} {parts[i + 1]}").timestamp()
        lines = parts[i + 2].strip().splitlines()
        if not lines or "message" not in lines[0]:
            continue
        direction = "received" if "received" in lines[0] else "sent"
        body = [l.strip() for l in lines[1:]]
        while body and not body[0]:
            body.pop(0)
        if not body:
            continue
        t0 = when if t0 is None else t0
        headers = {}
        for line in body[1:]:
            if not line:
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        m = {"t": round(when - t0, 3), "dir": direction, "line": body[0], "headers": headers}
        if not body[0].startswith("SIP/2.0"):
            m["method"], m["uri"] = body[0].split()[:2]
        yield m


def main():
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        for m in messages(f.read()):
            print(json.dumps({"t": m["t"], "dir": m["dir"], "line": m["line"]}))


if __name__ == "__main__":
    main()
