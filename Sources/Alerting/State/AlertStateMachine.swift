/// The life of one alert (one rule × target): ok → pending → firing → resolved, with a `for`
/// delay before firing and flap detection. A pure value: the evaluator feeds it observations with
/// the time they were made (UTC epoch ms) and acts on the returned ``Action``s; it is stored as is,
/// so it survives a restart.
public struct AlertStateMachine: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case ok, pending, firing, resolved
    }

    /// What the owner must do after an observation.
    public enum Action: String, Sendable, Hashable, Codable {
        /// The alert fired: notify.
        case fire
        /// The alert resolved: notify.
        case resolve
        /// The alert started flapping: notify once; fire/resolve notifications stop meanwhile.
        case startFlapping = "flapping"
        /// The alert stopped flapping: notify its current state.
        case stopFlapping = "flapping_stopped"
    }

    /// Timing of the machine.
    public struct Settings: Sendable, Hashable {
        /// How long (ms) a condition must hold before firing.
        public var forMilliseconds: Int64
        /// The window (ms) over which fire/resolve changes are counted for flap detection.
        public var flapWindowMilliseconds: Int64
        /// Changes within the window at which the alert is flapping (0 disables detection). It
        /// stops flapping when the changes in the window drop to half of this or fewer.
        public var flapThreshold: Int

        public init(forMilliseconds: Int64 = 0, flapWindowMilliseconds: Int64 = 3_600_000, flapThreshold: Int = 6) {
            self.forMilliseconds = forMilliseconds
            self.flapWindowMilliseconds = flapWindowMilliseconds
            self.flapThreshold = flapThreshold
        }
    }

    public private(set) var state: State
    /// When the current pending or firing period started.
    public private(set) var since: Int64?
    /// When the alert last fired.
    public private(set) var firedAt: Int64?
    /// When the alert last resolved.
    public private(set) var resolvedAt: Int64?
    /// Times of recent fire/resolve changes (within the flap window).
    public private(set) var changes: [Int64]
    public private(set) var isFlapping: Bool

    public init() {
        self.state = .ok
        self.since = nil
        self.firedAt = nil
        self.resolvedAt = nil
        self.changes = []
        self.isFlapping = false
    }

    /// Whether the alert is active (firing).
    public var isFiring: Bool { self.state == .firing }

    /// Feeds one observation made at `now`; returns what to notify (possibly nothing).
    public mutating func observe(_ observation: AlertObservation, at now: Int64, settings: Settings) -> [Action] {
        var actions: [Action] = []
        switch (self.state, observation) {
        case (.ok, .breaching), (.resolved, .breaching):
            self.state = .pending
            self.since = now
            if settings.forMilliseconds <= 0 {
                self.fire(at: now, into: &actions)
            }
        case (.pending, .breaching):
            if let since = self.since, now - since >= settings.forMilliseconds {
                self.fire(at: now, into: &actions)
            }
        case (.pending, .clear), (.pending, .holding):
            self.state = .ok
            self.since = nil
        case (.firing, .clear):
            self.state = .resolved
            self.since = nil
            self.resolvedAt = now
            self.changes.append(now)
            actions.append(.resolve)
        case (.firing, .breaching), (.firing, .holding), (.ok, _), (.resolved, _):
            break
        }
        self.updateFlapping(at: now, settings: settings, into: &actions)
        return actions
    }

    private mutating func fire(at now: Int64, into actions: inout [Action]) {
        self.state = .firing
        self.since = self.since ?? now
        self.firedAt = now
        self.changes.append(now)
        actions.append(.fire)
    }

    private mutating func updateFlapping(at now: Int64, settings: Settings, into actions: inout [Action]) {
        self.changes.removeAll { now - $0 > settings.flapWindowMilliseconds }
        guard settings.flapThreshold > 0 else { return }
        if !self.isFlapping, self.changes.count >= settings.flapThreshold {
            self.isFlapping = true
            actions.removeAll { $0 == .fire || $0 == .resolve }
            actions.append(.startFlapping)
        } else if self.isFlapping {
            // While flapping, single changes are not notified.
            actions.removeAll { $0 == .fire || $0 == .resolve }
            if self.changes.count <= settings.flapThreshold / 2 {
                self.isFlapping = false
                actions.append(.stopFlapping)
            }
        }
    }
}
