#!/usr/bin/env python3
"""Runs offline flow builders on the same pcap and reports wall time, CPU time and peak RSS of each
(os.wait4 rusage, which includes the processes each tool forks and waits for).

Each tool runs NETMOND_BENCH_RUNS times (default 5; pmacctd, 100 times slower than the others, once),
the tools taking turns (netmond, softflowd, nfpcapd, netmond, ...) so that a slow spell of the
machine falls on all of them; the summary gives each tool's median and range. One run of netmond
import takes ~0.2 s, and runs seconds apart differ by 10-30 % on a shared VM: one run is no figure.

Usage: pcap-run.py NETMOND PCAP CONCURRENT_PCAP SMALL_PCAP WORKDIR
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def run(argv, cwd=None):
    # Output to a file, not a pipe: softflowd -D logs every flow and would block on a full pipe.
    # Peak RSS from /usr/bin/time: a child forked from this Python process inherits its RSS
    # high-water mark across exec, so wait4's ru_maxrss would report Python's, not the tool's.
    with tempfile.TemporaryFile() as log, tempfile.NamedTemporaryFile(mode="r") as peak:
        started = time.monotonic()
        child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", peak.name] + argv, cwd=cwd,
                                 stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        err = log.read().decode(errors="replace")
        peak_kb = int((peak.read().strip().splitlines() or ["0"])[-1])
    if child.returncode != 0:
        print("  !! %s exited %d: %s" % (argv[0], child.returncode, err.strip()[-400:]))
    return wall, usage.ru_utime + usage.ru_stime, peak_kb * 1024


def free_udp_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    return sock, port


def main():
    netmond, pcap, concurrent, small, work = sys.argv[1:6]
    packets = int(subprocess.run(["capinfos", "-M", "-c", "-T", pcap], capture_output=True, text=True)
                  .stdout.strip().splitlines()[-1].split("\t")[-1])
    print("file: %s, %d packets, %d bytes" % (pcap, packets, os.path.getsize(pcap)))
    # A UDP sink the exporting tools send to (a bound socket nobody reads: no ICMP errors; the
    # kernel drops what overflows its buffer).
    sink, port = free_udp_port()
    os.makedirs(work, exist_ok=True)
    pmacct_conf = os.path.join(work, "pmacctd.conf")
    with open(pmacct_conf, "w") as handle:
        handle.write(
            "pcap_savefile: %s\nplugins: nfprobe\nnfprobe_receiver: 127.0.0.1:%d\nnfprobe_version: 9\n"
            "nfprobe_timeouts: general=15:maxlife=60:expint=1\nnfprobe_maxflows: 2000000\n"
            "aggregate: src_host,dst_host,src_port,dst_port,proto,tos\nlogfile: %s\n"
            % (pcap, port, os.path.join(work, "pmacctd.log")))
    nfdir = os.path.join(work, "nfpcapd")
    shutil.rmtree(nfdir, ignore_errors=True)
    os.makedirs(nfdir)
    tools = [
        (os.environ.get("NETMOND_LABEL", "netmond import"), [netmond, "import", pcap, "--format", "json", "--max-flows", "2000000"]),
        ("softflowd -r", ["softflowd", "-D", "-a", "-v", "9", "-m", "2000000", "-r", pcap,
                          "-n", "127.0.0.1:%d" % port, "-p", os.path.join(work, "softflowd.pid"),
                          "-t", "maxlife=60", "-t", "general=15", "-t", "expint=1"]),
        ("nfpcapd -r", ["nfpcapd", "-r", pcap, "-w", nfdir, "-e", "60,15", "-B", "2000000"]),
        ("pmacctd -I (nfprobe)", ["pmacctd", "-f", pmacct_conf]),
    ]
    # NETMOND_BASELINE: another netmond build (e.g. main's) in the same rotation, so that a change is
    # judged on runs seconds apart rather than against figures of another hour.
    baseline = os.environ.get("NETMOND_BASELINE")
    if baseline:
        tools.insert(1, ("netmond (baseline)", [baseline] + tools[0][1][1:]))
    runs = max(1, int(os.environ.get("NETMOND_BENCH_RUNS", "5")))
    skipped = set(filter(None, os.environ.get("NETMOND_BENCH_SKIP", "").split(",")))
    present = []
    for name, argv in tools:
        if argv[0] in skipped:
            print("  %-22s skipped (NETMOND_BENCH_SKIP)" % name)
        elif shutil.which(argv[0]) is None and not os.path.exists(argv[0]):
            print("  %-22s not installed" % name)
        else:
            present.append((name, argv))
    results = {name: [] for name, _ in present}
    for number in range(1, runs + 1):
        for name, argv in present:
            if argv[0] == "pmacctd" and number > 1:
                continue
            if argv[0] == "nfpcapd":
                # Each run writes the same files: start from an empty directory every time.
                shutil.rmtree(nfdir, ignore_errors=True)
                os.makedirs(nfdir)
            wall, cpu, rss = run(argv)
            results[name].append((wall, cpu, rss))
            print("  run %d/%d %-22s %6.2f s wall  %6.2f s CPU  %8.0f packets/s  %6.0f ns CPU/packet  "
                  "peak RSS %5.0f MB  load %s"
                  % (number, runs, name, wall, cpu, packets / wall, cpu * 1e9 / packets, rss / 1e6,
                     " ".join(open("/proc/loadavg").read().split()[:3])))
    sink.close()

    def spread(values, fmt):
        return "%s (%s-%s)" % (fmt % statistics.median(values), fmt % min(values), fmt % max(values))

    print("median (range) of %d runs:" % runs)
    medians = {}
    for name, _ in present:
        samples = results[name]
        ns = [cpu * 1e9 / packets for _, cpu, _ in samples]
        rate = [packets / wall for wall, _, _ in samples]
        medians[name] = (statistics.median(ns), statistics.median(rate))
        print("  %-22s %d run%s  CPU ns/packet %s  packets/s %s  wall s %s  peak RSS MB %s"
              % (name, len(samples), "" if len(samples) == 1 else "s", spread(ns, "%.0f"), spread(rate, "%.0f"),
                 spread([wall for wall, _, _ in samples], "%.2f"),
                 spread([rss / 1e6 for _, _, rss in samples], "%.0f")))
    ours = tools[0][0]
    peers = [name for name, argv in present if name != ours and argv[0] != baseline]
    if ours in medians and baseline and "netmond (baseline)" in medians:
        print("netmond vs baseline (%s), medians: %.1f against %.1f ns CPU/packet (%+.1f %%)"
              % (baseline, medians[ours][0], medians["netmond (baseline)"][0],
                 100 * (medians[ours][0] / medians["netmond (baseline)"][0] - 1)))
    if ours in medians and peers:
        fastest = max(peers, key=lambda name: medians[name][1])
        leanest = min(peers, key=lambda name: medians[name][0])
        print("netmond vs fastest peer (%s), medians: %.2fx packets/s, %.2fx less CPU per packet (vs %s)"
              % (fastest, medians[ours][1] / medians[fastest][1], medians[leanest][0] / medians[ours][0],
                 leanest))

    # Memory per flow: peak RSS importing CONCURRENT (1,000,000 one-packet flows, all alive at the
    # end) minus peak RSS importing SMALL, divided by the flows.
    flows = int(subprocess.run(["capinfos", "-M", "-c", "-T", concurrent], capture_output=True, text=True)
                .stdout.strip().splitlines()[-1].split("\t")[-1])
    _, _, base = run([netmond, "import", small, "--format", "json", "--max-flows", str(flows)])
    _, _, full = run([netmond, "import", concurrent, "--format", "json", "--max-flows", str(flows),
                      "--inactive-timeout", "600", "--active-timeout", "600"])
    print("netmond with %d concurrent flows: peak RSS %.0f MB, baseline %.0f MB: %.1f bytes per flow"
          % (flows, full / 1e6, base / 1e6, (full - base) / flows))


if __name__ == "__main__":
    main()
