import Logging
import ServiceLifecycle

/// Keeps systemd informed while the daemon runs: `WATCHDOG=1` every half watchdog period (when the
/// unit sets `WatchdogSec=`), and `STOPPING=1` as soon as a graceful shutdown begins.
///
/// List it last in the `ServiceGroup`: the group shuts services down in reverse order, so this one
/// hears of the shutdown first. `READY=1` is sent by the HTTP server once it listens (see `Daemon`).
struct SystemdNotifierService: Service {
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async {
        if let interval = self.notifier.watchdogInterval {
            self.logger.debug("systemd watchdog: notifying every \(interval)")
            _ = try? await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    self.send("WATCHDOG=1")
                    try await Task.sleep(for: interval)
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        self.send("STOPPING=1")
    }

    /// Sends `state`, logging (never throwing) when systemd cannot be told.
    func send(_ state: String) {
        do {
            try self.notifier.notify(state)
        } catch {
            self.logger.warning("systemd notification failed: \(error)")
        }
    }
}
