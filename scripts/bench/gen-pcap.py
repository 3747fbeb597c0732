#!/usr/bin/env python3
"""Write a large, realistic mixed pcap for the capture benchmark (deterministic, no dependencies).

Usage: gen-pcap.py OUT.pcap [--packets N] [--flows F] [--seconds S] [--concurrent]

Mixed traffic: ~80% IPv4 / 20% IPv6, TCP (web, TLS, SSH, with SYN/ACK/PSH/FIN), UDP (DNS, NTP,
QUIC, syslog), ICMP/ICMPv6 echo; 10% of frames 802.1Q-tagged; flow sizes Zipf-like (a few elephants,
many mice); frame sizes 60..1514. Timestamps spread over S seconds so active/inactive timeouts
apply. --concurrent writes F flows of one packet each within 10 s instead (every flow still held
at the end: the flow table's memory at F concurrent flows).

Written with struct rather than scapy: scapy builds ~5k packets/s, this ~300k/s.
"""
import argparse
import random
import struct


def checksumless_ipv4(src, dst, proto, payload_len, ident, tos=0):
    return struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + payload_len, ident & 0xFFFF, 0, 64, proto, 0, src, dst)


def ipv6_header(src, dst, proto, payload_len):
    return struct.pack("!IHBB16s16s", 0x60000000, payload_len, proto, 64, src, dst)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--packets", type=int, default=1_000_000)
    parser.add_argument("--flows", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--concurrent", action="store_true")
    args = parser.parse_args()
    rng = random.Random(20261127)

    flows = []
    for n in range(args.flows):
        v6 = rng.random() < 0.2
        r = rng.random()
        if r < 0.55:
            proto, dport = 6, rng.choice([443, 443, 443, 80, 22, 8080, 3306])
        elif r < 0.92:
            proto, dport = 17, rng.choice([53, 53, 123, 443, 514, 5353])
        else:
            proto, dport = (58 if v6 else 1), 0
        if v6:
            src = bytes([0x20, 0x01, 0x0D, 0xB8, 0, n % 251]) + n.to_bytes(10, "big")
            dst = bytes([0x20, 0x01, 0x0D, 0xB8, 1, 0]) + rng.randrange(1 << 32).to_bytes(10, "big")
        else:
            src = bytes([10, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF])
            dst = bytes([198, 51, rng.randrange(256), rng.randrange(1, 255)])
        vlan = rng.randrange(1, 4095) if rng.random() < 0.1 else None
        size = rng.choice([40, 40, 60, 120, 200, 576, 1200, 1460, 1460])
        flows.append((v6, proto, src, dst, rng.randrange(1024, 65535), dport, vlan, size))

    # Zipf-like weights: flow i gets weight 1/(i+1)^0.9, shuffled.
    if args.concurrent:
        order = list(range(args.flows))
        count = args.flows
        span = 10.0
    else:
        weights = [1.0 / (i + 1) ** 0.9 for i in range(args.flows)]
        rng.shuffle(weights)
        order = rng.choices(range(args.flows), weights=weights, k=args.packets)
        count = args.packets
        span = float(args.seconds)

    seen = set()
    with open(args.out, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        base = 1_767_225_600
        buffer = []
        for i, index in enumerate(order):
            v6, proto, src, dst, sport, dport, vlan, size = flows[index]
            if proto == 6:
                if index not in seen:
                    flags = 0x02
                    seen.add(index)
                else:
                    flags = 0x18 if rng.random() < 0.7 else 0x10
                l4 = struct.pack("!HHIIBBHHH", sport, dport, i, 0, 0x50, flags, 65535, 0, 0)
                payload = size if flags != 0x02 else 0
            elif proto == 17:
                payload = max(0, size - 8) % 1400
                l4 = struct.pack("!HHHH", sport, dport, 8 + payload, 0)
            else:
                l4 = struct.pack("!BBHHH", 128 if v6 else 8, 0, 0, index & 0xFFFF, i & 0xFFFF)
                payload = 56
            body = l4 + bytes(payload)
            if v6:
                ip = ipv6_header(src, dst, proto, len(body))
                ethertype = 0x86DD
            else:
                ip = checksumless_ipv4(src, dst, proto, len(body), i)
                ethertype = 0x0800
            eth = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"
            if vlan is not None:
                eth += struct.pack("!HH", 0x8100, vlan)
            eth += struct.pack("!H", ethertype)
            frame = eth + ip + body
            t = base + span * i / count
            seconds = int(t)
            micros = int((t - seconds) * 1_000_000)
            buffer.append(struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame)
            if len(buffer) >= 10000:
                out.write(b"".join(buffer))
                buffer.clear()
        out.write(b"".join(buffer))


if __name__ == "__main__":
    main()
