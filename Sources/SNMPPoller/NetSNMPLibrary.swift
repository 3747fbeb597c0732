internal import CNetSNMP
import Foundation
import Synchronization

/// Process-wide set-up of net-snmp.
///
/// Debian's libnetsnmp is not built reentrant: `init_snmp` must run once, before any thread uses a
/// session. netmond never reads net-snmp's configuration files, never persists state under
/// /var/lib/snmp, and uses numeric OIDs only (no MIB files are needed).
public enum NetSNMPLibrary {
    private static let initialized = Mutex(false)

    /// Initialises net-snmp once for this process (later calls do nothing). Call it before any
    /// SNMP session is opened and before threads that use net-snmp start.
    public static func initialize(appName: String = "netmond") {
        initialized.withLock { done in
            guard !done else { return }
            // net-snmp creates a few state files at start (cert indexes); they go to a private
            // temporary directory instead of /var/lib/snmp.
            let directory = (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/netmond-snmp-\(getuid())"
            mkdir(directory, 0o700)
            netmond_snmp_configure_library(directory)
            init_snmp(appName)
            done = true
        }
    }

    /// True once `initialize` has run.
    public static var isInitialized: Bool {
        initialized.withLock { $0 }
    }

    /// The version of the net-snmp library netmond is linked with, e.g. `5.9.3`.
    public static var version: String {
        String(cString: netsnmp_get_version())
    }
}
