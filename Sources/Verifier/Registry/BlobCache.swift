/// A blob of one repository on one registry: blobs are shared between repositories only if the
/// registry mounts them, so verify checks a blob once per repository.
struct BlobKey: Hashable, Sendable {
    /// The registry, as ``RegistryCheck/registry`` names it.
    let registry: String
    /// The repository inside the registry.
    let repository: String
    /// The blob's digest.
    let digest: String
}

/// The blobs a worker has already found good in this run, so that images sharing layers do not
/// check them again. One cache serves one run, which has one ``CheckDepth``: a blob in it was
/// checked as deeply as the run asks.
protocol BlobCache {
    /// Whether `key` was found good.
    func contains(_ key: BlobKey) -> Bool
    /// Remembers that `key` was found good.
    mutating func insert(_ key: BlobKey)
}

/// A ``BlobCache`` that remembers every blob, without bound.
struct KnownGoodBlobs: BlobCache, Sendable {
    private var keys: Set<BlobKey> = []

    init() {}

    func contains(_ key: BlobKey) -> Bool { keys.contains(key) }

    mutating func insert(_ key: BlobKey) { keys.insert(key) }

    /// How many blobs it holds.
    var count: Int { keys.count }
}
