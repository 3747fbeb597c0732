#!/usr/bin/env python3
"""Alternating A/B runs of `netmond import` builds on one pcap: CPU (user + system, from wait4) per
packet of each whole command, the binaries taking turns so that a slow spell of the shared machine
falls on all of them. Prints every round and each binary's median and range.

Usage: pcap-ab.py PCAP ROUNDS BINARY [BINARY ...]
       (e.g. scripts/bench/pcap-ab.py .build/bench-pcap/mixed-1000000-100000.pcap 11 old/netmond new/netmond)
Run it under the benchmark lock: flock -x /tmp/bench.lock scripts/bench/pcap-ab.py ...
"""
import os
import statistics
import subprocess
import sys


def cpu_seconds(argv):
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s exited with status %d" % (argv[0], os.waitstatus_to_exitcode(status)))
    return usage.ru_utime + usage.ru_stime


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    pcap, rounds, binaries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    packets = int(subprocess.run(["capinfos", "-M", "-c", "-T", pcap], capture_output=True, text=True)
                  .stdout.strip().splitlines()[-1].split("\t")[-1])
    print("file: %s, %d packets; load %s" % (pcap, packets, " ".join(open("/proc/loadavg").read().split()[:3])))
    samples = {binary: [] for binary in binaries}
    for number in range(rounds):
        # Each round starts with the next binary, so none is always first after a pause.
        order = binaries[number % len(binaries):] + binaries[:number % len(binaries)]
        for binary in order:
            cpu = cpu_seconds([binary, "import", pcap, "--format", "json", "--max-flows", "2000000"])
            samples[binary].append(cpu * 1e9 / packets)
        print("round %2d: %s" % (number + 1, "  ".join("%6.1f" % samples[b][-1] for b in binaries)), flush=True)
    print("load %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    for binary in binaries:
        values = samples[binary]
        print("%-50s median %6.1f ns/packet  range %6.1f-%6.1f  (%d runs)"
              % (binary, statistics.median(values), min(values), max(values), len(values)))


if __name__ == "__main__":
    main()
