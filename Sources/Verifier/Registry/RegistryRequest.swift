/// One HTTP request that ``RegistryCheck`` asks its driver to make, as a value.
///
/// `path` is relative to the registry's base URL (`https://HOST` or `http://HOST`; for
/// `docker.io`, `https://registry-1.docker.io`): the driver adds it, and the auth layer below the
/// driver answers 401 challenges. Two requests of one check never have the same ``kind``.
struct RegistryRequest: Hashable, Sendable {
    /// What is asked for.
    enum Kind: Hashable, Sendable {
        /// A manifest, by tag or digest.
        case manifest(String)
        /// Whether a blob is there, and its size (`--depth blobs`).
        case blobHead(String)
        /// A blob's bytes, hashed as they stream (`--depth content`).
        case blobGet(String)
    }

    /// The HTTP method.
    enum Method: String, Sendable {
        case get = "GET"
        case head = "HEAD"
    }

    /// What is asked for.
    let kind: Kind
    /// `GET` or `HEAD`.
    let method: Method
    /// `/v2/<repository>/manifests/<reference>` or `/v2/<repository>/blobs/<digest>`.
    let path: String
    /// The `Accept` header to send: ``MediaType/manifestAccept`` for manifests, `nil` for blobs.
    let accept: String?
    /// The digest the answer's bytes must have, when it is known beforehand.
    let expectedDigest: String?
    /// The size in bytes the answer must have, when it is known beforehand.
    let expectedSize: Int64?
    /// For a manifest: read at most this many bytes of the body, plus one to show it is longer
    /// (the check refuses it then). `nil`: the body is streamed and hashed, not kept
    /// (``Kind/blobGet(_:)``), or there is none (`HEAD`).
    let bodyLimit: Int?

    /// The GET of manifest `reference` (a tag or a digest) of `repository`.
    static func manifest(_ reference: String, repository: String, expected: Descriptor? = nil, bodyLimit: Int) -> RegistryRequest {
        RegistryRequest(kind: .manifest(reference), method: .get, path: "/v2/\(repository)/manifests/\(reference)",
                        accept: MediaType.manifestAccept, expectedDigest: expected?.digest ?? (Digest.isValid(reference) ? reference : nil),
                        expectedSize: expected?.size, bodyLimit: bodyLimit)
    }

    /// The HEAD (`content` false) or GET (`content` true) of `blob` in `repository`.
    static func blob(_ blob: Descriptor, repository: String, content: Bool) -> RegistryRequest {
        RegistryRequest(kind: content ? .blobGet(blob.digest) : .blobHead(blob.digest), method: content ? .get : .head,
                        path: "/v2/\(repository)/blobs/\(blob.digest)", accept: nil,
                        expectedDigest: blob.digest, expectedSize: blob.size, bodyLimit: nil)
    }
}
