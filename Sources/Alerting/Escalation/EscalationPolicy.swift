/// Who is notified when: ordered steps, each after some time unacknowledged, then an optional
/// repeat. Acknowledgement or resolution stops it.
public struct EscalationPolicy: Sendable, Hashable, Codable {
    public var id: Int64?
    public var name: String
    public var steps: [EscalationStep]
    /// Re-notify the last reached step's channels this often (ms) while firing and unacknowledged;
    /// 0 never repeats.
    public var repeatMilliseconds: Int64
    /// The organisation that owns the policy (nil: the default organisation).
    public var organisationID: Int64?

    public init(
        id: Int64? = nil,
        name: String,
        steps: [EscalationStep],
        repeatMilliseconds: Int64 = 0,
        organisationID: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.steps = steps
        self.repeatMilliseconds = repeatMilliseconds
        self.organisationID = organisationID
    }
}

/// One step of a policy: after this long firing unacknowledged, notify these channels (by name).
public struct EscalationStep: Sendable, Hashable, Codable {
    public var afterMilliseconds: Int64
    public var channels: [String]

    public init(afterMilliseconds: Int64, channels: [String]) {
        self.afterMilliseconds = afterMilliseconds
        self.channels = channels
    }
}

/// How far an alert's escalation went: stored with the alert, reset when it fires again.
public struct EscalationProgress: Sendable, Hashable, Codable {
    /// Steps already notified.
    public var stepsDone: Int
    /// When the last step or repeat was notified (UTC epoch ms).
    public var lastNotifiedAt: Int64?
    /// Repeats notified so far.
    public var repeats: Int

    public init(stepsDone: Int = 0, lastNotifiedAt: Int64? = nil, repeats: Int = 0) {
        self.stepsDone = stepsDone
        self.lastNotifiedAt = lastNotifiedAt
        self.repeats = repeats
    }
}

/// A notification escalation asks for.
public struct EscalationNotice: Sendable, Hashable {
    /// The step index notified, or nil for a repeat.
    public var step: Int?
    public var channels: [String]
}

extension EscalationPolicy {
    /// The notices due at `now` for an alert firing since `firingSince`, updating `progress`.
    /// Nothing is due once the alert is acknowledged or not firing.
    public func due(
        firingSince: Int64,
        acknowledged: Bool,
        progress: inout EscalationProgress,
        now: Int64
    ) -> [EscalationNotice] {
        guard !acknowledged else { return [] }
        var notices: [EscalationNotice] = []
        while progress.stepsDone < self.steps.count,
            now - firingSince >= self.steps[progress.stepsDone].afterMilliseconds
        {
            notices.append(
                EscalationNotice(step: progress.stepsDone, channels: self.steps[progress.stepsDone].channels)
            )
            progress.stepsDone += 1
            progress.lastNotifiedAt = now
        }
        if notices.isEmpty, self.repeatMilliseconds > 0, progress.stepsDone > 0,
            let last = progress.lastNotifiedAt, now - last >= self.repeatMilliseconds
        {
            notices.append(EscalationNotice(step: nil, channels: self.steps[progress.stepsDone - 1].channels))
            progress.repeats += 1
            progress.lastNotifiedAt = now
        }
        return notices
    }

    /// The channels reached so far (for resolution and flapping notices): every step done, or the
    /// first step when none is.
    public func reachedChannels(_ progress: EscalationProgress) -> [String] {
        let reached = self.steps.prefix(max(1, progress.stepsDone)).flatMap(\.channels)
        var seen: Set<String> = []
        return reached.filter { seen.insert($0).inserted }
    }
}
