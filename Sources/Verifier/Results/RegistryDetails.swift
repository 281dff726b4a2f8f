/// What a registry check (`--client registry`) adds to an image's record; `null` in the records
/// of the docker client.
struct RegistryDetails: Codable, Sendable, Equatable {
    /// Each platform manifest checked, `os/arch[/variant]` (or `null` for an image without an
    /// index), with its digest.
    var platforms: [RegistryCheckResult.PlatformDigest]
    /// Distinct blobs of the image found good (those found good earlier in the run included).
    var blobsChecked: Int
    /// Body bytes received: manifests, error bodies and, at `--depth content`, blobs.
    var bytesFetched: Int64
    /// Foreign and non-distributable layers (`urls` set, or a non-distributable media type),
    /// which a registry need not hold, left unchecked.
    var foreignLayersSkipped: Int
    /// HTTP requests made for the image (authentication's own not counted).
    var requests: Int
    /// Of those, the ones answered over HTTP/2; shown in the summary, not recorded.
    var requestsOverHTTP2: Int
    /// The connections opened for them (and for the authentication before them, see
    /// ``RegistryAnswer/newConnections``); shown in the summary, not recorded.
    var connections: Int
    /// Docker Hub's pull quota (`RateLimit-Limit`, `RateLimit-Remaining`), from the last answer
    /// that gave it; shown in the progress, not recorded.
    var quota: RateLimit?

    /// The details of `result`, as far as the check got.
    init(_ result: RegistryCheckResult) {
        platforms = result.platforms
        blobsChecked = result.blobsChecked
        bytesFetched = result.bytesFetched
        foreignLayersSkipped = result.foreignLayersSkipped
        requests = result.requests
        requestsOverHTTP2 = result.answersOverHTTP2
        connections = result.connectionsOpened
        quota = result.rateLimit
    }
}
