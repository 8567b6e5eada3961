#!/usr/bin/env python3
"""Checks the digest credentials of the INVITE a sipp UAS received, from its
-trace_msg log, by computing the response here (RFC 7616 §3.4.1, RFC 8760).

  check_digest.py MESSAGE_LOG PASSWORD HEADER ALGORITHM

HEADER is Authorization or Proxy-Authorization. Prints what it found as one
JSON line; exits 1 when no INVITE carried HEADER or the response is wrong.
"""
import hashlib
import json
import re
import sys

from sipp_log import messages

HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256,
          "SHA-512-256": lambda b: hashlib.new("sha512_256", b)}


def h(alg, text):
    return HASHES[alg](text.encode()).hexdigest()


def params(value):
    scheme, _, rest = value.partition(" ")
    out = {"scheme": scheme}
    for m in re.finditer(r'([\w-]+)=("([^"\\]|\\.)*"|[^,\s]+)', rest):
        v = m.group(2)
        out[m.group(1).lower()] = v[1:-1] if v.startswith('"') else v
    return out


def main():
    log_path, password, header, algorithm = sys.argv[1:5]
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    found = [(m["uri"], m["headers"][header.lower()]) for m in messages(log)
             if m["dir"] == "received" and m.get("method") == "INVITE" and header.lower() in m["headers"]]
    if not found:
        print(json.dumps({"ok": False, "error": f"no INVITE with {header}"}))
        return 1
    uri, value = found[-1]
    p = params(value)
    alg = p.get("algorithm", "MD5")
    ha1 = h(alg, f"{p['username']}:{p['realm']}:{password}")
    ha2 = h(alg, f"INVITE:{p['uri']}")
    if "qop" in p:
        want = h(alg, f"{ha1}:{p['nonce']}:{p['nc']}:{p['cnonce']}:{p['qop']}:{ha2}")
    else:
        want = h(alg, f"{ha1}:{p['nonce']}:{ha2}")
    ok = alg == algorithm and p["uri"] == uri and p.get("response") == want
    print(json.dumps({"ok": ok, "algorithm": alg, "username": p["username"], "uri": p["uri"],
                      "request_uri": uri, "response": p.get("response"), "expected": want}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
