import Foundation
import Logging

#if canImport(CMalloc)
import CMalloc
#endif

/// Process resource limits netmond adjusts at start.
enum ProcessLimits {
    /// Raises the soft open-file limit to the hard one: one SNMP session per device is one socket,
    /// and a box polling 1,000 devices needs more than the usual 1,024.
    static func raiseOpenFileLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        let previous = limit.rlim_cur
        limit.rlim_cur = limit.rlim_max
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            logger.debug("open file limit raised from \(previous) to \(limit.rlim_max)")
        }
    }

    /// Below this many bytes free at the top of a heap, glibc keeps them instead of trimming.
    static let mallocTrimThreshold: Int32 = 256 << 20
    /// Allocations below this size come from the heaps, not from a mapping of their own.
    static let mallocMmapThreshold: Int32 = 16 << 20

    /// Keeps freed memory in glibc's heaps rather than returning it to the kernel at once.
    ///
    /// A flow listener allocates each datagram's records and the writer frees them a moment later
    /// on another thread: with glibc's defaults (trim above 128 KiB free at a heap's top, mmap and
    /// munmap for large blocks) the listener's heap shrank and grew all the time, and every page it
    /// grew by was a page fault, with the kernel zeroing it, on the thread that must drain the
    /// socket. At 60,000 IPFIX datagrams/s this cut minor faults from ~250,000 to ~15,000 per 10 s
    /// and the listener's CPU by 8 % (docs/BENCHMARKS.md). Peak RSS is unchanged: the memory is
    /// reused, not grown.
    static func tuneMalloc(logger: Logger) {
        #if canImport(CMalloc)
        guard mallopt(M_TRIM_THRESHOLD, Self.mallocTrimThreshold) == 1,
            mallopt(M_MMAP_THRESHOLD, Self.mallocMmapThreshold) == 1
        else {
            logger.debug("malloc tuning refused by the C library; keeping its defaults")
            return
        }
        #endif
    }
}
