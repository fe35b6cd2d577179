/// A task row this worker claimed: it holds the lease for this `attempt`.
public struct ClaimedTask: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let arguments: String
    public let attempt: Int
    public let maxAttempts: Int
    /// Seconds from the task becoming due (its commit, or its run-after time) to this claim, by database time.
    public let waitSeconds: Double
}
