#!/usr/bin/env python3
"""Deterministic snmpsim recording of a big switch for the netmond lab (scripts/lab/big-agent.sh).

    gen-big-agent.py [--interfaces 2000] [--seed 2000] [--out FILE.snmprec] [--expect FILE.tsv]

Same arguments -> same bytes. The device: system group, ifNumber, full ifTable (columns 1-22),
ifXTable (1-19) and ifTableLastChange for N interfaces:
  * the first min(N, 96) are physical ports GigabitEthernet1/0/1.. (ifType 6, 1 Gbit/s),
    ifIndex 1..96, ports 1-8 are admin down, every 7th is oper down;
  * the rest are VLAN interfaces Vlan2.. (ifType 53 propVirtual, 10 Gbit/s: ifSpeed saturates at
    4294967295 and ifHighSpeed is 10000), ifIndex 100001.. (a gap after 96: the poller must not
    assume contiguous indexes).
Counters come from a seeded PRNG; every 10th interface has a Counter32 within 1,000,000 of 2^32
and every ifHCInOctets is above 2^32. sysUpTime moves at 100 ticks/s (snmpsim `numeric`
variation); everything else is static, so a test can compare a walk with the file exactly.
--expect writes `ifIndex<TAB>ifName<TAB>ifHCInOctets<TAB>ifInOctets` per interface for tests.
Python 3 standard library only.
"""
import argparse
import random
import sys

IF_ENTRY = "1.3.6.1.2.1.2.2.1"
IFX_ENTRY = "1.3.6.1.2.1.31.1.1.1"


def interfaces(n, seed):
    rng = random.Random(seed)
    out = []
    for k in range(n):
        if k < 96:
            idx, name, typ, speed, high = k + 1, "GigabitEthernet1/0/%d" % (k + 1), 6, 1000000000, 1000
            alias = "access port %d" % (k + 1)
        else:
            v = k - 96 + 2
            idx, name, typ, speed, high = 100000 + v - 1, "Vlan%d" % v, 53, 4294967295, 10000
            alias = "vlan %d svi" % v
        admin = 2 if k < 8 else 1
        oper = 2 if (admin == 2 or k % 7 == 6) else 1
        hc_in = rng.randrange(2**32 + 1, 2**50)
        hc_out = rng.randrange(2**32 + 1, 2**50)
        c = {
            "ifHCInOctets": hc_in, "ifHCOutOctets": hc_out,
            "ifHCInUcastPkts": rng.randrange(0, 2**40), "ifHCOutUcastPkts": rng.randrange(0, 2**40),
            "ifHCInMulticastPkts": rng.randrange(0, 2**36), "ifHCOutMulticastPkts": rng.randrange(0, 2**36),
            "ifHCInBroadcastPkts": rng.randrange(0, 2**34), "ifHCOutBroadcastPkts": rng.randrange(0, 2**34),
            "ifInErrors": rng.randrange(0, 1000), "ifOutErrors": rng.randrange(0, 1000),
            "ifInDiscards": rng.randrange(0, 10000), "ifOutDiscards": rng.randrange(0, 10000),
            "ifInUnknownProtos": rng.randrange(0, 100),
        }
        c["ifInOctets"] = hc_in % 2**32
        c["ifOutOctets"] = hc_out % 2**32
        if k % 10 == 9:
            c["ifInOctets"] = 2**32 - 1 - rng.randrange(0, 1000000)
        for a, b in (("InUcastPkts", "HCInUcastPkts"), ("OutUcastPkts", "HCOutUcastPkts"),
                     ("InMulticastPkts", "HCInMulticastPkts"), ("OutMulticastPkts", "HCOutMulticastPkts"),
                     ("InBroadcastPkts", "HCInBroadcastPkts"), ("OutBroadcastPkts", "HCOutBroadcastPkts")):
            c["if" + a] = c["if" + b] % 2**32
        out.append(dict(idx=idx, name=name, typ=typ, speed=speed, high=high, alias=alias, admin=admin,
                        oper=oper, mac="00005e00%04x" % (k + 1), lastchange=rng.randrange(0, 100000),
                        c=c))
    return out


def records(n, seed):
    ifs = interfaces(n, seed)
    r = [
        ("1.3.6.1.2.1.1.1.0", "4", "netmond lab big switch, %d interfaces (generated, seed %d)" % (n, seed)),
        ("1.3.6.1.2.1.1.2.0", "6", "1.3.6.1.4.1.8072.3.2.10"),
        ("1.3.6.1.2.1.1.3.0", "67:numeric", "rate=100,initial=1000000,wrap=1"),
        ("1.3.6.1.2.1.1.4.0", "4", "netmond-lab@localhost"),
        ("1.3.6.1.2.1.1.5.0", "4", "big-%d" % n),
        ("1.3.6.1.2.1.1.6.0", "4", "netmond lab (loopback)"),
        ("1.3.6.1.2.1.1.7.0", "2", "6"),
        ("1.3.6.1.2.1.2.1.0", "2", str(n)),
        ("1.3.6.1.2.1.31.1.5.0", "67", "500"),
    ]
    for i in ifs:
        x, c = i["idx"], i["c"]
        cols = [
            (1, "2", x), (2, "4", i["name"]), (3, "2", i["typ"]), (4, "2", 1500 if i["typ"] == 6 else 9000),
            (5, "66", i["speed"]), (6, "4x", i["mac"]), (7, "2", i["admin"]), (8, "2", i["oper"]),
            (9, "67", i["lastchange"]), (10, "65", c["ifInOctets"]), (11, "65", c["ifInUcastPkts"]),
            (12, "65", 0), (13, "65", c["ifInDiscards"]), (14, "65", c["ifInErrors"]),
            (15, "65", c["ifInUnknownProtos"]), (16, "65", c["ifOutOctets"]), (17, "65", c["ifOutUcastPkts"]),
            (18, "65", 0), (19, "65", c["ifOutDiscards"]), (20, "65", c["ifOutErrors"]), (21, "66", 0),
            (22, "6", "0.0"),
        ]
        for col, tag, v in cols:
            r.append(("%s.%d.%d" % (IF_ENTRY, col, x), tag, str(v)))
        xcols = [
            (1, "4", i["name"]), (2, "65", c["ifInMulticastPkts"]), (3, "65", c["ifInBroadcastPkts"]),
            (4, "65", c["ifOutMulticastPkts"]), (5, "65", c["ifOutBroadcastPkts"]),
            (6, "70", c["ifHCInOctets"]), (7, "70", c["ifHCInUcastPkts"]), (8, "70", c["ifHCInMulticastPkts"]),
            (9, "70", c["ifHCInBroadcastPkts"]), (10, "70", c["ifHCOutOctets"]),
            (11, "70", c["ifHCOutUcastPkts"]), (12, "70", c["ifHCOutMulticastPkts"]),
            (13, "70", c["ifHCOutBroadcastPkts"]), (14, "2", 1 if i["typ"] == 6 else 2),
            (15, "66", i["high"]), (16, "2", 2), (17, "2", 1 if i["typ"] == 6 else 2), (18, "4", i["alias"]),
            (19, "67", 0),
        ]
        for col, tag, v in xcols:
            r.append(("%s.%d.%d" % (IFX_ENTRY, col, x), tag, str(v)))
    r.sort(key=lambda t: tuple(int(a) for a in t[0].split(".")))
    return r, ifs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--interfaces", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=2000)
    ap.add_argument("--out", default="-")
    ap.add_argument("--expect")
    a = ap.parse_args()
    recs, ifs = records(a.interfaces, a.seed)
    f = sys.stdout if a.out == "-" else open(a.out, "w", encoding="ascii")
    for oid, tag, v in recs:
        f.write("%s|%s|%s\n" % (oid, tag, v))
    if f is not sys.stdout:
        f.close()
    if a.expect:
        with open(a.expect, "w", encoding="ascii") as e:
            e.write("ifIndex\tifName\tifHCInOctets\tifInOctets\n")
            for i in ifs:
                e.write("%d\t%s\t%d\t%d\n" % (i["idx"], i["name"], i["c"]["ifHCInOctets"], i["c"]["ifInOctets"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
