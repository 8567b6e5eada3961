#!/usr/bin/env python3
"""Assemble a WebRTC audio answer from a browser's offer and the tools' events.

  make_answer.py fingerprint OFFER        print the offer's "sha-256 AB:..." fingerprint
  make_answer.py answer OFFER ICE_EVENTS BRIDGE_EVENTS [--codec opus] [--also telephone-event/8000]
        print the answer: the audio section answers with one codec (the
        offer's payload type kept; --codec is a name, or a payload type
        number of the offer), plus the offer's payload type of each --also
        codec the offer has (e.g. telephone-event/8000), the ICE lines are the
        "sdp" fields of ice-session's local-credentials / local-candidate /
        end-of-candidates events, the fingerprint is srtp-rtp-bridge's
        fingerprint event, and a=setup:passive (the bridge is the DTLS
        server). Other sections are rejected (port 0).
  make_answer.py sip-codecs OFFER [--codecs PCMU,PCMA] [--no-dtmf]
        print a sip-leg --codecs list (NAME/RATE[/CH]:PT,...) of the offer's
        audio codecs among --codecs (in that order of preference), with the
        offer's payload types, plus its telephone-event/8000 (unless
        --no-dtmf); exit 1 when the offer has none of them.
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


def audio_section(media):
    audio = next((m for m in media if m[0].startswith("m=audio ") and not m[0].startswith("m=audio 0 ")), None)
    if audio is None:
        sys.exit("make_answer: the offer has no audio section")
    pts = audio[0].split()[3:]
    rtpmaps = {}
    for value in attrs(audio, "rtpmap"):
        pt, _, enc = value.partition(" ")
        rtpmaps[pt] = enc
    return audio, pts, rtpmaps


def find_pt(pts, rtpmaps, codec):
    """The offer's first payload type for codec: a name ("PCMU"), a name with
    its clock rate ("telephone-event/8000"), or a payload type number."""
    if codec.isdigit():
        return codec if codec in pts and codec in rtpmaps else None
    want = codec.lower()
    for pt in pts:
        enc = rtpmaps.get(pt, "").lower()
        if enc == want or enc.startswith(want + "/"):
            return pt
    return None


def sip_codecs(offer_text, names, dtmf):
    _, media = sections(offer_text)
    audio, pts, rtpmaps = audio_section(media)
    out = []
    for name in names:
        pt = find_pt(pts, rtpmaps, name)
        if pt is not None:
            out.append(f"{rtpmaps[pt]}:{pt}")
    if not out:
        sys.exit(f"make_answer: the offer has none of {','.join(names)}")
    if dtmf:
        pt = find_pt(pts, rtpmaps, "telephone-event/8000")
        if pt is not None:
            out.append(f"{rtpmaps[pt]}:{pt}")
    return ",".join(out)


def answer(offer_text, ice_events, bridge_events, codec, also=()):
    session, media = sections(offer_text)
    audio, pts, rtpmaps = audio_section(media)
    mid = (attrs(audio, "mid") or ["0"])[0]
    chosen = find_pt(pts, rtpmaps, codec)
    if chosen is None:
        sys.exit(f"make_answer: the offer has no {codec} payload type")
    answered = [chosen]
    for extra in also:
        pt = find_pt(pts, rtpmaps, extra)
        if pt is not None and pt not in answered:
            answered.append(pt)
    fmtp = [v for v in attrs(audio, "fmtp") if v.split(" ", 1)[0] in answered]

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
            f"m=audio 9 UDP/TLS/RTP/SAVPF {' '.join(answered)}",
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
        ]
        out += [f"a=rtpmap:{pt} {rtpmaps[pt]}" for pt in answered]
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
    a.add_argument("--also", action="append", default=[], help="another codec to answer when offered")
    c = sub.add_parser("sip-codecs")
    c.add_argument("offer")
    c.add_argument("--codecs", default="PCMU,PCMA")
    c.add_argument("--no-dtmf", action="store_true")
    args = ap.parse_args()
    with open(args.offer) as fh:
        offer = fh.read()
    if args.what == "fingerprint":
        print(fingerprint(*sections(offer)))
    elif args.what == "sip-codecs":
        print(sip_codecs(offer, [c for c in args.codecs.split(",") if c], not args.no_dtmf))
    else:
        sys.stdout.write(answer(offer, events(args.ice_events), events(args.bridge_events), args.codec, args.also))


if __name__ == "__main__":
    main()
