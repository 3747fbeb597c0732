#!/usr/bin/env python3
"""Write the UDP payloads of the fixture export captures (and frames of the packet fixture) as
libFuzzer seed files.

Usage: seed_corpus.py FIXTURE_DIR OUT_DIR  (writes OUT_DIR/<Target>/<capture>-<n>)
"""
import os
import struct
import sys

TARGETS = {
    "softflowd-v5": "NetFlowV5",
    "softflowd-v9": "NetFlowV9",
    "softflowd-ipfix": "IPFIX",
    "pmacct-ipfix": "IPFIX",
    "pmacct-sflow": "SFlow",
    "softflowd-v9-sampled": "NetFlowV9",
    "softflowd-ipfix-sampled": "IPFIX",
    "pmacct-v9-sampled": "NetFlowV9",
}


def udp_payloads(path):
    data = open(path, "rb").read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    offset = 24
    while offset + 16 <= len(data):
        length = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        frame = data[offset + 16:offset + 16 + length]
        offset += 16 + length
        ip = frame[14:]
        if ip and ip[0] >> 4 == 4 and ip[9] == 17:
            yield ip[(ip[0] & 15) * 4 + 8:]
        elif ip and ip[0] >> 4 == 6 and ip[6] == 17:
            yield ip[48:]


def frames(path):
    data = open(path, "rb").read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    offset = 24
    while offset + 16 <= len(data):
        length = struct.unpack(endian + "I", data[offset + 8:offset + 12])[0]
        yield data[offset + 16:offset + 16 + length]
        offset += 16 + length


def main():
    fixtures, out = sys.argv[1], sys.argv[2]
    # CapturedPacket: a link-type byte (0: Ethernet) and a frame of the packet fixture, every 10th.
    os.makedirs(os.path.join(out, "CapturedPacket"), exist_ok=True)
    mixed = os.path.join(fixtures, "..", "pcap", "mixed-300.pcap")
    for n, frame in enumerate(frames(mixed)):
        if n % 10 == 0:
            with open(os.path.join(out, "CapturedPacket", "mixed-%d" % n), "wb") as handle:
                handle.write(b"\x00" + frame)
    for capture, target in TARGETS.items():
        os.makedirs(os.path.join(out, target), exist_ok=True)
        for n, payload in enumerate(udp_payloads(os.path.join(fixtures, capture + ".pcap"))):
            with open(os.path.join(out, target, "%s-%d" % (capture, n)), "wb") as handle:
                handle.write(payload)


if __name__ == "__main__":
    main()
