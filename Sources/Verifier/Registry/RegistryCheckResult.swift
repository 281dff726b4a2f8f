/// What ``RegistryCheck`` found for one image: a ``Verdict``'s worth (good with a digest, or an
/// error with a category, message and step) and the fields a registry record adds.
struct RegistryCheckResult: Sendable, Equatable {
    /// Which request failed.
    enum Step: String, Codable, Sendable {
        /// The manifest the reference names.
        case manifest
        /// A platform's manifest, listed in the index.
        case platformManifest = "platform-manifest"
        /// A config or layer blob.
        case blob
    }

    /// One platform manifest that was checked.
    struct PlatformDigest: Sendable, Equatable, Codable {
        /// `os/arch[/variant]` from the index; `nil` for an image that has no index (its config,
        /// which names the platform, is only looked at by HEAD).
        let platform: String?
        /// The platform manifest's digest.
        let digest: String
    }

    /// good or error (a registry check has no timeout of its own; the driver's timer does).
    var status: ImageStatus = .good
    /// Why it is not good.
    var category: ErrorCategory?
    /// One line a person can read: what went wrong.
    var message: String?
    /// The request that failed.
    var step: Step?
    /// The digest of the manifest the reference names (for a multi-platform image, the index's):
    /// what docker shows in `RepoDigests`. Set once it is known, also when a later step fails.
    var digest: String?
    /// The platform manifests checked, in the index's order.
    var platforms: [PlatformDigest] = []
    /// Distinct blobs of this image found good: by a request now, or earlier in the run
    /// (``blobsFromCache``).
    var blobsChecked = 0
    /// Of ``blobsChecked``, those the worker's ``BlobCache`` already knew to be good.
    var blobsFromCache = 0
    /// HTTP requests the check asked for (the auth layer's own are not counted).
    var requests = 0
    /// Of the answers the check received, those that came over HTTP/2 (on a connection shared
    /// by several requests at once). A request cancelled before its answer is in ``requests`` only.
    var answersOverHTTP2 = 0
    /// The connections opened for the answers the check received (``RegistryAnswer/newConnections``).
    var connectionsOpened = 0
    /// Body bytes received: manifests, error bodies and, at `--depth content`, blobs.
    var bytesFetched: Int64 = 0
    /// Foreign and non-distributable layers, which the registry need not hold, left unchecked.
    var foreignLayersSkipped = 0
    /// Attestation manifests (`unknown/unknown`) in the index, left unchecked.
    var attestationsSkipped = 0
    /// The wait the registry asked for (`Retry-After`) with the 429 or 503 that ended the check.
    var retryAfterSeconds: Double?
    /// Docker Hub's quota, from the last answer that gave it.
    var rateLimit: RateLimit?

    /// The outcome as the record's ``Verdict``: good with ``digest``, or an error with the
    /// category and message (its ``Verdict/step`` names docker commands, so it stays `nil`).
    var verdict: Verdict {
        if status == .good, let digest { return .good(digest: digest) }
        return .error(category ?? .other, message ?? "the registry check failed")
    }
}
