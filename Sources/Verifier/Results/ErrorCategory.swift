/// The kind of failure, so that a person can act on a whole category at once.
enum ErrorCategory: String, Codable, Sendable, CaseIterable {
    /// The registry has no such manifest (missing tag, repository or digest).
    case notFound = "not-found"
    /// The registry refused the credentials, or asked for some.
    case unauthorized
    /// The registry asked the client to slow down (HTTP 429).
    case rateLimited = "rate-limited"
    /// The registry could not be reached, or the connection broke.
    case network
    /// The registry answered with a server error (HTTP 5xx).
    case serverError = "server-error"
    /// The manifest is there but one of its blobs is not.
    case blobUnknown = "blob-unknown"
    /// What the registry served does not hash to the digest it was asked for or announced
    /// (`Docker-Content-Digest`, a by-digest reference, an index entry, a blob's descriptor).
    case digestMismatch = "digest-mismatch"
    /// The registry serves the image in a form verify does not check: a schema 1 manifest
    /// (deprecated, removed from Docker) or a manifest of an unknown media type.
    case unsupported
    /// The Docker daemon is not reachable.
    case daemonUnavailable = "daemon-unavailable"
    /// The list line is not a valid image reference; docker was never run.
    case invalidReference = "invalid-reference"
    /// The worker process verifying the image died twice.
    case workerCrashed = "worker-crashed"
    /// The image's timeout ran out.
    case timeout
    /// Anything else; the message says what.
    case other
}
