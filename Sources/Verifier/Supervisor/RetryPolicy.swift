/// Which failures are tried again, and after how long: exponential back-off with full jitter.
///
/// Transient: `rate-limited`, `network`, `server-error`, and `blob-unknown` (a registry in the
/// middle of a replication can serve a manifest before its blobs); timeouts only when asked.
/// Final at once: `not-found`, `unauthorized`, `invalid-reference`, `digest-mismatch`, and
/// everything else.
struct RetryPolicy: Sendable {
    /// Retries after the first attempt.
    let retries: Int
    /// The base of the back-off, in seconds.
    let baseDelaySeconds: Double
    /// Whether a timeout is tried again.
    let retryTimeouts: Bool
    /// The longest wait before a retry.
    static let maximumDelaySeconds = 60.0

    /// The categories tried again.
    static let transient: Set<ErrorCategory> = [.rateLimited, .network, .serverError, .blobUnknown]

    /// Whether an image whose attempt number `attempt` (1 for the first) ended with `verdict` is
    /// tried again.
    func retries(_ verdict: Verdict, afterAttempt attempt: Int) -> Bool {
        guard attempt <= retries, verdict.status != .good else { return false }
        if verdict.status == .timeout { return retryTimeouts }
        return verdict.category.map(Self.transient.contains) ?? false
    }

    /// Seconds to wait before attempt `attempt + 1` after `verdict`: the `Retry-After` the registry
    /// sent, when the client could tell (at most 60 s); else a uniform draw (`unit`, in 0..<1)
    /// below min(60 s, base × 2^(attempt-1)).
    func delay(after verdict: Verdict, attempt: Int, unit: Double) -> Double {
        if let asked = verdict.retryAfterSeconds { return min(max(asked, 0), Self.maximumDelaySeconds) }
        return delay(afterAttempt: attempt, unit: unit)
    }

    /// The back-off alone: a uniform draw (`unit`, in 0..<1) below min(60 s, base × 2^(attempt-1)).
    func delay(afterAttempt attempt: Int, unit: Double) -> Double {
        let ceiling = min(Self.maximumDelaySeconds, baseDelaySeconds * Double(1 << min(max(attempt - 1, 0), 30)))
        return ceiling * unit
    }
}
