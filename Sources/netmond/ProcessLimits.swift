import Foundation
import Logging

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
}
