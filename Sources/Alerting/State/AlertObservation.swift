/// What one evaluation found for one rule × target.
public enum AlertObservation: String, Sendable, Hashable, Codable {
    /// The condition holds.
    case breaching
    /// The condition does not hold and the value is on the clear side of any clear threshold.
    case clear
    /// Between the threshold and the clear threshold (hysteresis band), or no data: no change
    /// for a firing alert; a pending one goes back to ok.
    case holding
}
