#!/usr/bin/env python3
"""Hostile SNMPv2c responder for the netmond lab: answers SNMP requests wrongly on purpose.

    hostile-agent.py [--port 16163] [--mode ok] [--log FILE] [--seed N] [--slow-delay 3]

UDP on 127.0.0.1 only. It decodes just enough of an SNMPv1/v2c request (BER: version, community,
PDU type, request-id, varbinds) to answer with the same request-id, misbehaving according to the
mode. The mode is the community string when that names a mode (community `truncated` gets the
`truncated` behaviour, ...), else --mode. Python 3 standard library only; never exits on bad input.

Modes (see docs/LAB.md):
  ok            correct answers from a small fake device (system group, ifNumber, 3-row ifTable/ifXTable)
  truncated     a valid response cut at a random offset
  oversized     a valid response padded with ~60,000 bytes of extra varbinds (one ~60 KB datagram)
  hugelength    the first varbind value claims a length of 0x7fffffff bytes
  badlength     the outer SEQUENCE claims 1000 bytes more than the datagram holds
  wrongtype     counters/gauges/timeticks as OCTET STRING, OID values as INTEGER, INTEGER as OCTET STRING
  wrongtype-name  varbind names encoded as INTEGER instead of OBJECT IDENTIFIER
  garbage       random bytes (1..1400)
  loop          GETNEXT/GETBULK return the requested OID itself (a walk never advances)
  loop-lower    GETNEXT/GETBULK return an OID lower than the one asked (ifIndex.2 -> ifIndex.1 ...)
  wrongid       a correct response with request-id + 1
  silent        never answers
  slow          a correct answer after --slow-delay seconds (3)
"""
import argparse
import heapq
import os
import random
import select
import signal
import socket
import sys
import time

MODES = ["ok", "truncated", "oversized", "hugelength", "badlength", "wrongtype", "wrongtype-name",
         "garbage", "loop", "loop-lower", "wrongid", "silent", "slow"]

# ---------------------------------------------------------------- BER
T_INT, T_OCT, T_NULL, T_OID, T_SEQ = 0x02, 0x04, 0x05, 0x06, 0x30
T_IPADDR, T_C32, T_GAUGE, T_TICKS, T_C64 = 0x40, 0x41, 0x42, 0x43, 0x46
NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB = 0x80, 0x81, 0x82
PDU_GET, PDU_NEXT, PDU_RESP, PDU_SET, PDU_BULK = 0xA0, 0xA1, 0xA2, 0xA3, 0xA5


class BerError(Exception):
    pass


def enc_len(n, force_long=0):
    if n < 0x80 and not force_long:
        return bytes([n])
    b = n.to_bytes(max(force_long, (n.bit_length() + 7) // 8 or 1), "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + enc_len(len(content)) + content


def enc_int(v, tag=T_INT):
    n = max(1, (v.bit_length() + 8) // 8)
    return tlv(tag, v.to_bytes(n, "big", signed=True))


def enc_uint(v, tag):
    b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    if b[0] & 0x80:
        b = b"\x00" + b
    return tlv(tag, b)


def enc_oid_content(oid):
    if len(oid) < 2:
        oid = tuple(oid) + (0,) * (2 - len(oid))
    arcs = [oid[0] * 40 + oid[1]] + list(oid[2:])
    out = bytearray()
    for a in arcs:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def enc_oid(oid):
    return tlv(T_OID, enc_oid_content(oid))


def dec_tlv(buf, pos, end):
    """-> (tag, content_start, content_end); raises BerError when out of bounds."""
    if pos + 2 > end:
        raise BerError("short TLV at %d" % pos)
    tag = buf[pos]
    ln = buf[pos + 1]
    pos += 2
    if ln & 0x80:
        k = ln & 0x7F
        if k == 0 or k > 4 or pos + k > end:
            raise BerError("bad length form at %d" % pos)
        ln = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    if pos + ln > end:
        raise BerError("length %d past end at %d" % (ln, pos))
    return tag, pos, pos + ln


def dec_int(buf, s, e):
    if e - s > 9:
        raise BerError("integer too long")
    return int.from_bytes(buf[s:e], "big", signed=True) if e > s else 0


def dec_oid(buf, s, e):
    arcs, a = [], 0
    for b in buf[s:e]:
        a = (a << 7) | (b & 0x7F)
        if not b & 0x80:
            arcs.append(a)
            a = 0
    if not arcs:
        return ()
    first = arcs[0]
    x = min(first // 40, 2)
    return (x, first - 40 * x) + tuple(arcs[1:])


def decode_request(buf):
    """-> dict(version, community, pdu, reqid, a, b, oids) or raises BerError."""
    end = len(buf)
    tag, s, e = dec_tlv(buf, 0, end)
    if tag != T_SEQ:
        raise BerError("not a SEQUENCE")
    tag, vs, ve = dec_tlv(buf, s, e)
    if tag != T_INT:
        raise BerError("no version")
    version = dec_int(buf, vs, ve)
    tag, cs, ce = dec_tlv(buf, ve, e)
    if tag != T_OCT:
        raise BerError("no community (SNMPv3?)")
    community = bytes(buf[cs:ce])
    pdu, ps, pe = dec_tlv(buf, ce, e)
    vals = []
    pos = ps
    for _ in range(3):
        tag, s2, e2 = dec_tlv(buf, pos, pe)
        if tag != T_INT:
            raise BerError("PDU header field not INTEGER")
        vals.append(dec_int(buf, s2, e2))
        pos = e2
    tag, ls, le = dec_tlv(buf, pos, pe)
    if tag != T_SEQ:
        raise BerError("no varbind list")
    oids = []
    pos = ls
    while pos < le and len(oids) < 1000:
        tag, bs, be = dec_tlv(buf, pos, le)
        t2, os_, oe = dec_tlv(buf, bs, be)
        if t2 != T_OID:
            raise BerError("varbind name not an OID")
        oids.append(dec_oid(buf, os_, oe))
        pos = be
    return {"version": version, "community": community, "pdu": pdu, "reqid": vals[0],
            "a": vals[1], "b": vals[2], "oids": oids}


# ---------------------------------------------------------------- the fake device (mode ok)
def fake_device():
    rows = {}
    sysd = (1, 3, 6, 1, 2, 1, 1)
    rows[sysd + (1, 0)] = (T_OCT, b"netmond lab hostile agent (fake 3-port switch)")
    rows[sysd + (2, 0)] = (T_OID, (1, 3, 6, 1, 4, 1, 8072, 3, 2, 10))
    rows[sysd + (3, 0)] = (T_TICKS, None)  # uptime, computed per request
    rows[sysd + (5, 0)] = (T_OCT, b"hostile-agent")
    rows[(1, 3, 6, 1, 2, 1, 2, 1, 0)] = (T_INT, 3)
    ife = (1, 3, 6, 1, 2, 1, 2, 2, 1)
    ifx = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
    for i in (1, 2, 3):
        name = b"ge-0/0/%d" % (i - 1)
        rows[ife + (1, i)] = (T_INT, i)
        rows[ife + (2, i)] = (T_OCT, name)
        rows[ife + (3, i)] = (T_INT, 6)
        rows[ife + (5, i)] = (T_GAUGE, 1000000000)
        rows[ife + (7, i)] = (T_INT, 1)
        rows[ife + (8, i)] = (T_INT, 1 if i != 3 else 2)
        rows[ife + (10, i)] = (T_C32, 1000 * i)
        rows[ife + (14, i)] = (T_C32, i)
        rows[ife + (16, i)] = (T_C32, 2000 * i)
        rows[ife + (20, i)] = (T_C32, 0)
        rows[ifx + (1, i)] = (T_OCT, name)
        rows[ifx + (6, i)] = (T_C64, 5000000000 * i)
        rows[ifx + (10, i)] = (T_C64, 6000000000 * i)
        rows[ifx + (15, i)] = (T_GAUGE, 1000)
        rows[ifx + (18, i)] = (T_OCT, b"port %d" % i)
    keys = sorted(rows)
    return rows, keys


ROWS, KEYS = fake_device()
START = time.monotonic()


def value_of(oid):
    typ, v = ROWS[oid]
    if typ == T_TICKS and v is None:
        v = int((time.monotonic() - START) * 100) & 0xFFFFFFFF
    return typ, v


def next_oid(oid):
    for k in KEYS:  # 40 rows: a linear scan is fine
        if k > oid:
            return k
    return None


def enc_value(typ, v, wrongtype=False):
    if wrongtype:
        if typ in (T_C32, T_C64, T_GAUGE, T_TICKS):
            return tlv(T_OCT, str(v).encode())
        if typ == T_OID:
            return enc_int(len(v))
        if typ == T_INT:
            return tlv(T_OCT, str(v).encode())
        if typ == T_OCT:
            return enc_int(len(v))
    if typ == T_INT:
        return enc_int(v)
    if typ in (T_C32, T_C64, T_GAUGE, T_TICKS):
        return enc_uint(v, typ)
    if typ == T_OCT:
        return tlv(T_OCT, v)
    if typ == T_OID:
        return enc_oid(v)
    if typ in (NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB, T_NULL):
        return bytes([typ, 0])
    raise ValueError(typ)


def varbind(oid, typ, v, mode):
    name = enc_oid(oid)
    if mode == "wrongtype-name":
        name = tlv(T_INT, enc_oid_content(oid))
    return tlv(T_SEQ, name + enc_value(typ, v, wrongtype=(mode == "wrongtype")))


def lower_of(oid):
    """loop-lower: for a served OID, the first served OID sharing all but its last arc, when lower
    (ifIndex.2 -> ifIndex.1): the walk stays inside the table and cycles."""
    if oid not in ROWS:
        return None
    for k in KEYS:
        if k[:len(oid) - 1] == oid[:-1] and k < oid:
            return k
    return None


def answer_one(pdu, oid, mode):
    """-> (oid, typ, value) for one varbind of a GET/GETNEXT."""
    if pdu == PDU_GET:
        if oid in ROWS:
            return (oid,) + value_of(oid)
        return oid, NO_SUCH_INSTANCE, None
    if mode == "loop":
        n = oid if oid in ROWS else next_oid(oid)
        if n is None:
            n = oid
        typ, v = value_of(n) if n in ROWS else (T_INT, 0)
        return oid, typ, v  # always the OID that was asked
    if mode == "loop-lower":
        low = lower_of(oid)
        if low is not None:
            return (low,) + value_of(low)
    n = next_oid(oid)
    if n is None:
        return oid, END_OF_MIB, None
    return (n,) + value_of(n)


def build_varbinds(req, mode):
    pdu, oids = req["pdu"], req["oids"]
    out = []
    if pdu in (PDU_GET, PDU_NEXT):
        for o in oids:
            out.append(answer_one(pdu, o, mode))
    elif pdu == PDU_BULK:
        nonrep = max(0, min(req["a"], len(oids)))
        maxrep = max(0, min(req["b"], 100))
        for o in oids[:nonrep]:
            out.append(answer_one(PDU_NEXT, o, mode))
        cur = list(oids[nonrep:])
        for _ in range(maxrep):
            if not cur or len(out) > 500:
                break
            for j, o in enumerate(cur):
                r = answer_one(PDU_NEXT, o, mode)
                out.append(r)
                cur[j] = r[0]
    else:  # SET or anything else: echo as noSuchObject
        for o in oids:
            out.append((o, NO_SUCH_OBJECT, None))
    return out


def response(req, mode, reqid=None, extra=b"", error=(0, 0)):
    vbs = b"".join(varbind(o, t, v, mode) for o, t, v in build_varbinds(req, mode)) + extra
    body = (enc_int(req["reqid"] if reqid is None else reqid) + enc_int(error[0]) + enc_int(error[1])
            + tlv(T_SEQ, vbs))
    return tlv(T_SEQ, enc_int(req["version"]) + tlv(T_OCT, req["community"]) + tlv(PDU_RESP, body))


def hostile(req, mode, rng):
    """-> bytes to send, or None for no answer."""
    if mode == "silent":
        return None
    if mode == "garbage":
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 1400)))
    if mode == "wrongid":
        return response(req, "ok", reqid=(req["reqid"] + 1) & 0x7FFFFFFF)
    if mode == "truncated":
        full = response(req, "ok")
        return full[:rng.randint(1, len(full) - 1)]
    if mode == "oversized":
        pad = b""
        i = 0
        while len(pad) < 60000:
            i += 1
            pad += varbind((1, 3, 6, 1, 4, 1, 99999, 1, i), T_OCT, b"x" * 1000, "ok")
        return response(req, "ok", extra=pad)
    if mode == "badlength":
        full = response(req, "ok")
        tag, s, e = dec_tlv(full, 0, len(full))
        content = full[s:e]
        return bytes([T_SEQ]) + enc_len(len(content) + 1000, force_long=2) + content
    if mode == "hugelength":
        # header + first varbind name, then a value whose length field says 0x7fffffff
        vb = enc_oid(req["oids"][0] if req["oids"] else (1, 3, 6, 1, 2, 1, 1, 3, 0))
        vb += bytes([T_C32, 0x84, 0x7F, 0xFF, 0xFF, 0xFF]) + b"\x01\x02\x03\x04"
        vbl = bytes([T_SEQ]) + enc_len(len(vb)) + vb
        body = enc_int(req["reqid"]) + enc_int(0) + enc_int(0) + tlv(T_SEQ, vbl)
        return tlv(T_SEQ, enc_int(req["version"]) + tlv(T_OCT, req["community"]) + tlv(PDU_RESP, body))
    if mode in ("wrongtype", "wrongtype-name", "loop", "loop-lower"):
        return response(req, mode)
    return response(req, "ok")  # ok, slow


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=int(os.environ.get("NETMOND_LAB_HOSTILE_PORT", "16163")))
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--mode", default="ok", choices=MODES)
    ap.add_argument("--log", default="-")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slow-delay", type=float, default=3.0)
    args = ap.parse_args()
    if not (args.bind.startswith("127.") or args.bind == "::1"):
        sys.exit("hostile-agent: loopback only")
    logf = sys.stdout if args.log == "-" else open(args.log, "a", buffering=1, encoding="utf-8")
    rng = random.Random(args.seed)

    def log(msg):
        try:
            logf.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), msg))
        except (OSError, ValueError):
            pass

    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    sock = socket.socket(socket.AF_INET6 if ":" in args.bind else socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    sock.bind((args.bind, args.port))
    log("listening on udp %s:%d default mode %s, seed %d" % (args.bind, args.port, args.mode, args.seed))
    delayed = []  # heap of (due, seq, data, addr)
    seq = 0
    while not stop:
        timeout = 0.5
        if delayed:
            timeout = max(0.0, min(timeout, delayed[0][0] - time.monotonic()))
        try:
            r, _, _ = select.select([sock], [], [], timeout)
        except InterruptedError:
            continue
        except OSError:
            if stop:
                break
            raise
        now = time.monotonic()
        while delayed and delayed[0][0] <= now:
            _, _, data, addr = heapq.heappop(delayed)
            try:
                sock.sendto(data, addr)
            except OSError as e:
                log("send to %s failed: %s" % (addr, e))
        if not r:
            continue
        try:
            buf, addr = sock.recvfrom(65535)
        except OSError:
            continue
        try:
            req = decode_request(buf)
        except (BerError, ValueError, IndexError) as e:
            log("from %s:%d: %d bytes undecodable (%s), no answer" % (addr[0], addr[1], len(buf), e))
            continue
        try:
            comm = req["community"].decode("ascii", "replace")
            mode = comm if comm in MODES else args.mode
            out = hostile(req, mode, rng)
            log("from %s:%d: version %d community %r pdu 0x%02x reqid %d varbinds %d -> mode %s, %s" % (
                addr[0], addr[1], req["version"], comm, req["pdu"],
                req["reqid"], len(req["oids"]), mode,
                "no answer" if out is None else "%d bytes%s" % (len(out), " in %.1fs" % args.slow_delay if mode == "slow" else "")))
            if out is None:
                continue
            if mode == "slow":
                seq += 1
                heapq.heappush(delayed, (now + args.slow_delay, seq, out, addr))
            else:
                sock.sendto(out, addr)
        except Exception as e:  # never die on a request
            log("from %s: internal error %r" % (addr, e))
    log("stopping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
