/// Suppresses alerts that follow from another: an unreachable device's interface alerts, and the
/// unreachable alerts of devices whose parent (upstream device, from configuration) is unreachable.
public struct Correlator: Sendable {
    private let devices: [Int64: DeviceFacts]
    /// Child device id → parent device id.
    private let parents: [Int64: Int64]

    public init(devices: [DeviceFacts], parents: [Int64: Int64]) {
        self.devices = Dictionary(devices.map { ($0.id, $0) }) { first, _ in first }
        self.parents = parents
    }

    /// Why an alert of `condition` on this target is suppressed, or nil when it is not.
    public func suppression(of condition: RuleCondition, deviceID: Int64?, interfaceID: Int64?) -> String? {
        guard let deviceID, let device = self.devices[deviceID] else { return nil }
        if interfaceID != nil || condition.isPerInterface, device.reachable == false {
            return "device \(device.name) is unreachable"
        }
        if case .deviceUnreachable = condition, let parent = self.unreachableAncestor(of: deviceID) {
            return "parent device \(parent.name) is unreachable"
        }
        return nil
    }

    /// The unreachable devices whose nearest unreachable ancestor is `deviceID` (for the parent's
    /// notification to say whom it covers).
    public func suppressedChildren(of deviceID: Int64) -> [String] {
        self.parents.keys.compactMap { child in
            guard let device = self.devices[child], device.reachable == false,
                self.unreachableAncestor(of: child)?.id == deviceID
            else { return nil }
            return device.name
        }.sorted()
    }

    private func unreachableAncestor(of deviceID: Int64) -> DeviceFacts? {
        var current = deviceID
        var visited: Set<Int64> = [deviceID]
        while let parentID = self.parents[current], visited.insert(parentID).inserted {
            if let parent = self.devices[parentID], parent.reachable == false { return parent }
            current = parentID
        }
        return nil
    }
}
