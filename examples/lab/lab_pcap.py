#!/usr/bin/env python3
"""What the deployment lab's packet captures say (no dependency but Python 3).

  lab_pcap.py sip PCAP [--since EPOCH] [--full]
      one line per SIP message over UDP:
      EPOCH SRC:PORT > DST:PORT | FIRST LINE | CSeq | Call-ID | To | Expires |
      Contact | Body (INFO Signal=, SDP c=/m=/rtpmap/direction lines);
      --full: each whole message too
  lab_pcap.py rtp PCAP [--since EPOCH] [--until EPOCH] [--src IP] [--dst IP]
      RTP flows as JSON: [{src, dst, packets, pts: {PT: n}, dtmf: "12#",
      first, last}], RTCP and STUN left out. RFC 4733 digits are read from
      4-byte payloads of a dynamic PT (one digit per event timestamp).
  lab_pcap.py loop IN OUT N
      writes OUT: the RTP of IN played N times back to back (sequence
      numbers, RTP and capture timestamps continued), for the media server.

Reads pcap (microsecond or nanosecond), link types Ethernet, raw IPv4,
Linux cooked v1 and v2 (tcpdump -i any); a capture still being written is
read up to its last whole record.
"""
import json
import struct
import sys

DIGITS = '0123456789*#ABCD'


def records(path):
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = '<'
    else:
        e = '>'
        magic = struct.unpack('>I', data[:4])[0]
    div = 1e9 if magic == 0xa1b23c4d else 1e6
    linktype = struct.unpack(e + 'I', data[20:24])[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(e + 'IIII', data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break
        yield sec + frac / div, linktype, data[off:off + incl]
        off += incl


def udp_of(linktype, frame):
    """(src, sport, dst, dport, payload) of an IPv4/UDP frame, else None."""
    if linktype == 1:  # Ethernet
        if len(frame) < 14:
            return None
        proto, ip = struct.unpack('>H', frame[12:14])[0], frame[14:]
        if proto == 0x8100 and len(frame) >= 18:
            proto, ip = struct.unpack('>H', frame[16:18])[0], frame[18:]
    elif linktype == 113:  # Linux cooked v1
        proto, ip = struct.unpack('>H', frame[14:16])[0], frame[16:]
    elif linktype == 276:  # Linux cooked v2
        proto, ip = struct.unpack('>H', frame[0:2])[0], frame[20:]
    elif linktype in (101, 228):  # raw IPv4
        proto, ip = 0x0800, frame
    else:
        return None
    if proto != 0x0800 or len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
        return None
    ihl = (ip[0] & 15) * 4
    if struct.unpack('>H', ip[6:8])[0] & 0x1fff:  # a later fragment
        return None
    src, dst = '.'.join(map(str, ip[12:16])), '.'.join(map(str, ip[16:20]))
    u = ip[ihl:]
    if len(u) < 8:
        return None
    sport, dport, ulen = struct.unpack('>HHH', u[:6])
    return src, sport, dst, dport, u[8:ulen] if ulen >= 8 else u[8:]


def packets(path, since=0.0, until=float('inf')):
    for ts, lt, frame in records(path):
        if ts < since or ts > until:
            continue
        p = udp_of(lt, frame)
        if p:
            yield (ts,) + p


def cmd_sip(args):
    since = float(opt(args, '--since', 0))
    full = '--full' in args
    if full:
        args.remove('--full')
    for ts, src, sport, dst, dport, pl in packets(args[0], since):
        if not (pl[:8] == b'SIP/2.0 ' or b' sip:' in pl[:40] or b' SIP/2.0\r\n' in pl[:200]):
            continue
        text = pl.decode('latin-1', 'replace')
        lines = text.split('\r\n')
        hdr = {}
        for line in lines[1:]:
            if not line:
                break
            k, _, v = line.partition(':')
            k = k.strip().lower()
            k = {'i': 'call-id', 't': 'to', 'f': 'from'}.get(k, k)
            hdr.setdefault(k, v.strip())
        print(f"{ts:.6f} {src}:{sport} > {dst}:{dport} | {lines[0]} | CSeq {hdr.get('cseq', '')} | "
              f"{hdr.get('call-id', '')} | To {hdr.get('to', '')} | Expires {hdr.get('expires', '')} | "
              f"Contact {hdr.get('contact', hdr.get('m', ''))} | Body {body_summary(text)}")
        if full:
            print('    ' + text.rstrip().replace('\r\n', '\n    '))


def body_summary(text):
    """INFO dtmf-relay Signal=, or an SDP's m= and rtpmap lines, on one line."""
    body = text.partition('\r\n\r\n')[2]
    keep = [l for l in body.split('\r\n') if l.startswith(('Signal=', 'm=', 'a=rtpmap', 'c=', 'a=send', 'a=recv', 'a=inactive'))]
    return ' ; '.join(keep)


def is_rtp(pl):
    if len(pl) < 12 or pl[0] >> 6 != 2:
        return False
    if 192 <= pl[1] <= 223:  # RTCP (RFC 5761 §4)
        return False
    return not pl.startswith(b'SIP/') and not (pl[0] < 2 and len(pl) >= 20)


def cmd_rtp(args):
    since = float(opt(args, '--since', 0))
    until = float(opt(args, '--until', float('inf')))
    fsrc, fdst = opt(args, '--src', None), opt(args, '--dst', None)
    flows = {}
    for ts, src, sport, dst, dport, pl in packets(args[0], since, until):
        if (fsrc and src != fsrc) or (fdst and dst != fdst) or not is_rtp(pl):
            continue
        cc = pl[0] & 15
        hlen = 12 + 4 * cc
        if pl[0] & 0x10 and len(pl) >= hlen + 4:  # header extension
            hlen += 4 + 4 * struct.unpack('>H', pl[hlen + 2:hlen + 4])[0]
        body = pl[hlen:]
        pt = pl[1] & 0x7f
        key = (f'{src}:{sport}', f'{dst}:{dport}')
        fl = flows.setdefault(key, {'src': key[0], 'dst': key[1], 'packets': 0, 'pts': {}, 'first': ts,
                                    'last': ts, 'events': {}})
        fl['packets'] += 1
        fl['pts'][str(pt)] = fl['pts'].get(str(pt), 0) + 1
        fl['last'] = ts
        if pt >= 96 and len(body) == 4 and body[0] < 16:
            rtp_ts = struct.unpack('>I', pl[4:8])[0]
            fl['events'].setdefault(rtp_ts, DIGITS[body[0]])
    out = []
    for fl in flows.values():
        fl['dtmf'] = ''.join(d for _, d in sorted(fl.pop('events').items()))
        out.append(fl)
    print(json.dumps(sorted(out, key=lambda f: f['first'])))


def cmd_loop(args):
    src, dst, n = args[0], args[1], int(args[2])
    with open(src, 'rb') as f:
        data = f.read()
    e = '<' if struct.unpack('<I', data[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    recs = []
    off = 24
    while off + 16 <= len(data):
        hdr = list(struct.unpack(e + 'IIII', data[off:off + 16]))
        recs.append((hdr, bytearray(data[off + 16:off + 16 + hdr[2]])))
        off += 16 + hdr[2]
    if not recs:
        sys.exit(f'{src}: no packets')
    lt = struct.unpack(e + 'I', data[20:24])[0]
    ip_off = {1: 14, 113: 16, 276: 20}.get(lt, 0)

    def rtp_at(frame):
        ihl = (frame[ip_off] & 15) * 4
        return ip_off + ihl + 8

    t_first = recs[0][0][0] + recs[0][0][1] / 1e6
    t_last = recs[-1][0][0] + recs[-1][0][1] / 1e6
    period = (t_last - t_first) + 0.02
    first_rtp = rtp_at(recs[0][1])
    seq0 = struct.unpack('>H', recs[0][1][first_rtp + 2:first_rtp + 4])[0]
    ts_first = struct.unpack('>I', recs[0][1][first_rtp + 4:first_rtp + 8])[0]
    ts_last = struct.unpack('>I', recs[-1][1][rtp_at(recs[-1][1]) + 4:rtp_at(recs[-1][1]) + 8])[0]
    ts_period = (ts_last - ts_first) + 160
    out = [data[:24]]
    k = 0
    for i in range(n):
        for hdr, frame in recs:
            fr = bytearray(frame)
            r = rtp_at(fr)
            struct.pack_into('>H', fr, r + 2, (seq0 + k) & 0xffff)
            ts = struct.unpack('>I', fr[r + 4:r + 8])[0]
            struct.pack_into('>I', fr, r + 4, (ts + i * ts_period) & 0xffffffff)
            udp = ip_off + (fr[ip_off] & 15) * 4
            struct.pack_into('>H', fr, udp + 6, 0)  # no UDP checksum (the payload changed)
            t = hdr[0] + hdr[1] / 1e6 + i * period
            out.append(struct.pack(e + 'IIII', int(t), int(round((t % 1) * 1e6)) % 1000000, len(fr), len(fr)) + bytes(fr))
            k += 1
    with open(dst, 'wb') as f:
        f.write(b''.join(out))


def opt(args, name, default):
    if name in args:
        i = args.index(name)
        v = args[i + 1]
        del args[i:i + 2]
        return v
    return default


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ('sip', 'rtp', 'loop'):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    {'sip': cmd_sip, 'rtp': cmd_rtp, 'loop': cmd_loop}[sys.argv[1]](sys.argv[2:])


if __name__ == '__main__':
    main()
