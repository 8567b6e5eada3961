#!/usr/bin/env python3
"""Assemble a WebRTC audio answer from a browser's offer and the tools' events.

  make_answer.py fingerprint OFFER        print the offer's "sha-256 AB:..." fingerprint
  make_answer.py answer OFFER ICE_EVENTS BRIDGE_EVENTS [--codec opus]
        print the answer: the audio section answers with one codec (the
        offer's payload type kept), the ICE lines are the "sdp" fields of
        ice-session's local-credentials / local-candidate / end-of-candidates
        events, the fingerprint is srtp-rtp-bridge's fingerprint event, and
        a=setup:passive (the bridge is the DTLS server). Other sections are
        rejected (port 0).
"""
import argparse
import json
import random
import sys


def sections(sdp):
    """Splits an SDP into its session part and its media sections (lists of lines)."""
    session, media = [], []
    for line in sdp.replace("\r\n", "\n").split("\n"):
        if not line:
            continue
        if line.startswith("m="):
            media.append([line])
        elif media:
            media[-1].append(line)
        else:
            session.append(line)
    return session, media


def attrs(lines, name):
    prefix = "a=" + name + ":"
    return [l[len(prefix):] for l in lines if l.startswith(prefix)]


def fingerprint(session, media):
    for lines in media + [session]:
        fp = attrs(lines, "fingerprint")
        if fp:
            return fp[0].strip()
    sys.exit("make_answer: the offer has no a=fingerprint")


def events(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
    return out


def sdp_lines(value):
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split("\n")
    return [l.strip() for l in value if l.strip()]


def answer(offer_text, ice_events, bridge_events, codec):
    session, media = sections(offer_text)
    audio = next((m for m in media if m[0].startswith("m=audio ") and not m[0].startswith("m=audio 0 ")), None)
    if audio is None:
        sys.exit("make_answer: the offer has no audio section")
    mid = (attrs(audio, "mid") or ["0"])[0]
    pts = audio[0].split()[3:]
    rtpmaps = {}
    for value in attrs(audio, "rtpmap"):
        pt, _, enc = value.partition(" ")
        rtpmaps[pt] = enc
    chosen = next((pt for pt in pts if rtpmaps.get(pt, "").lower().startswith(codec.lower() + "/")), None)
    if chosen is None:
        sys.exit(f"make_answer: the offer has no {codec} payload type")
    fmtp = [v for v in attrs(audio, "fmtp") if v.split(" ", 1)[0] == chosen]

    ice = []
    for ev in ice_events:
        if ev.get("event") in ("local-credentials", "local-candidate", "end-of-candidates"):
            ice += sdp_lines(ev.get("sdp"))
    # ice-session restarts print credentials again: keep the latest set only.
    creds = [i for i, l in enumerate(ice) if l.startswith("a=ice-ufrag:")]
    if not creds:
        sys.exit("make_answer: no local-credentials event from ice-session")
    ice = ice[creds[-1]:]
    if not any(l.startswith("a=candidate:") for l in ice):
        sys.exit("make_answer: ice-session announced no candidate")
    fp = next((ev for ev in bridge_events if ev.get("event") == "fingerprint"), None)
    if fp is None:
        sys.exit("make_answer: no fingerprint event from srtp-rtp-bridge")
    fp_value = fp.get("sdp") or fp.get("fingerprint") or fp.get("value")
    fp_value = fp_value.strip()
    if fp_value.startswith("a=fingerprint:"):
        fp_value = fp_value[len("a=fingerprint:"):]
    if " " not in fp_value:
        fp_value = (fp.get("algorithm") or "sha-256") + " " + fp_value

    out = [
        "v=0",
        f"o=- {random.randint(1, 2**62)} 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        f"a=group:BUNDLE {mid}",
    ]
    for m in media:
        if m is not audio:  # rejected: port 0, same protocol, one format
            parts = m[0].split()
            out += [f"m={parts[0][2:]} 0 {parts[2]} {parts[3] if len(parts) > 3 else '0'}", "c=IN IP4 0.0.0.0"]
            out += [f"a=mid:{v}" for v in attrs(m, "mid")]
            continue
        out += [
            f"m=audio 9 UDP/TLS/RTP/SAVPF {chosen}",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
        ]
        out += ice
        out += [
            f"a=fingerprint:{fp_value}",
            "a=setup:passive",
            f"a=mid:{mid}",
            "a=sendrecv",
            "a=rtcp-mux",
            f"a=rtpmap:{chosen} {rtpmaps[chosen]}",
        ]
        out += [f"a=fmtp:{v}" for v in fmtp]
    return "\r\n".join(out) + "\r\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    f = sub.add_parser("fingerprint")
    f.add_argument("offer")
    a = sub.add_parser("answer")
    a.add_argument("offer")
    a.add_argument("ice_events")
    a.add_argument("bridge_events")
    a.add_argument("--codec", default="opus")
    args = ap.parse_args()
    with open(args.offer) as fh:
        offer = fh.read()
    if args.what == "fingerprint":
        print(fingerprint(*sections(offer)))
    else:
        sys.stdout.write(answer(offer, events(args.ice_events), events(args.bridge_events), args.codec))


if __name__ == "__main__":
    main()
