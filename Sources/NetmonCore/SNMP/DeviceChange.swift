/// A change to the set of polled devices made while the daemon runs (through the API): the
/// poller starts, restarts or stops the device's poll loop.
public enum DeviceChange: Sendable, Equatable {
    /// Start polling `device`, or restart it with new settings when it is already polled.
    case upsert(MonitoredDevice)
    /// Stop polling the device with this database id.
    case remove(id: Int64)
}
