/// What verifying one image found: everything about the result except where and when it ran.
struct Verdict: Codable, Sendable, Equatable {
    /// good, error or timeout.
    var status: ImageStatus
    /// Why it is not good; `nil` for a good image.
    var category: ErrorCategory?
    /// The digest the registry served (`sha256:…`), for a good image.
    var digest: String?
    /// One line a person can read: what went wrong. `nil` for a good image.
    var message: String?
    /// The step that failed or timed out.
    var step: PipelineStep?
    /// The exit status of the client in the step that failed, if it exited.
    var exitCode: Int32?
    /// The signal that ended the client in the step that failed, if one did.
    var signal: Int32?
    /// The end of the failing client's stderr (at most ``Verdict/stderrTailLimit`` bytes).
    var stderrTail: String?
    /// Set when the image is good but `docker rmi` failed: the image is still on the daemon.
    var cleanupWarning: String?
    /// What the registry client checked; `nil` for the docker client.
    var registry: RegistryDetails?
    /// The wait the registry asked for (`Retry-After`) with the 429 or 503 that ended the attempt,
    /// when the client can tell: the retry waits that long instead of its own back-off.
    var retryAfterSeconds: Double?

    /// How much of a failing client's stderr goes into a record.
    static let stderrTailLimit = 2048

    /// A good image with `digest`.
    static func good(digest: String, cleanupWarning: String? = nil) -> Verdict {
        Verdict(status: .good, digest: digest, cleanupWarning: cleanupWarning)
    }

    /// A failed image.
    static func error(_ category: ErrorCategory, _ message: String, step: PipelineStep? = nil,
                             exitCode: Int32? = nil, signal: Int32? = nil, stderrTail: String? = nil) -> Verdict {
        Verdict(status: .error, category: category, message: message, step: step,
                exitCode: exitCode, signal: signal, stderrTail: stderrTail)
    }
}
