#!/usr/bin/env python3
"""Bounded IPFIX replayer for the zero-loss benchmark (stdlib only).

Sends a fixed IPFIX export stream to udp 127.0.0.1:PORT at RATE datagrams per second for SECONDS
seconds (at most RATE x SECONDS datagrams), then prints the number of datagrams and records sent.
Every datagram carries the template set and RECORDS data records (IPv4 5-tuple, 1 packet, 64 to
1,500 bytes), so a receiver's stored record count compares with datagrams x RECORDS. The stream
is 1,000 distinct datagrams (30,000 flow keys), sent in a loop; every receiver gets the same one.

usage: flow-replay.py PORT RATE SECONDS [RECORDS=30]
       flow-replay.py --dump FILE [RECORDS=30]   # write the stream for flow-blast.c instead
                                                 # (per datagram: u16 length, big-endian, then the
                                                 # datagram with export time and sequence zero)
"""
import socket
import struct
import sys
import time

dump = sys.argv[2] if sys.argv[1] == "--dump" else None
if dump:
    records = int(sys.argv[3]) if len(sys.argv) > 3 else 30
else:
    port, rate, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    records = int(sys.argv[4]) if len(sys.argv) > 4 else 30

FIELDS = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (2, 8), (1, 8), (152, 8), (153, 8)]
TEMPLATE_ID = 256
template_record = struct.pack("!HH", TEMPLATE_ID, len(FIELDS)) + b"".join(struct.pack("!HH", *f) for f in FIELDS)
template_set = struct.pack("!HH", 2, 4 + len(template_record)) + template_record

now_ms = int(time.time() * 1000)
stream = []
for n in range(1000):
    body = b"".join(
        struct.pack("!IIHHBQQQQ", 0x0A000000 | (i % 65536), 0xC0000200 | (i % 251), 1024 + i % 50000,
                    443 if i % 3 else 53, 6 if i % 3 else 17, 1, 64 + i % 1437, now_ms - 1000, now_ms)
        for i in range(n * records, (n + 1) * records))
    message = template_set + struct.pack("!HH", TEMPLATE_ID, 4 + len(body)) + body
    stream.append((16 + len(message), message))

if dump:
    with open(dump, "wb") as out:
        for length, message in stream:
            out.write(struct.pack("!H", length) + struct.pack("!HHIII", 10, length, 0, 0, 1) + message)
    sys.exit(0)

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
target = ("127.0.0.1", port)
total = int(rate * seconds)
batch = max(1, rate // 1000)  # datagrams per millisecond tick
sent = 0
sequence = 0
start = time.monotonic()
deadline = start + seconds + 5  # never run long past the planned time, even when the host is slow
while sent < total and time.monotonic() < deadline:
    for _ in range(min(batch, total - sent)):
        length, message = stream[sent % len(stream)]
        sock.sendto(struct.pack("!HHIII", 10, length, now_ms // 1000, sequence, 1) + message, target)
        sequence = (sequence + records) & 0xFFFFFFFF
        sent += 1
    ahead = start + sent / rate - time.monotonic()
    if ahead > 0:
        time.sleep(ahead)
elapsed = time.monotonic() - start
print(f"sent {sent} datagrams {sent * records} records in {elapsed:.2f} s ({sent / elapsed:.0f} datagrams/s)")
