/// A reference from one manifest to another manifest or a blob, as an index or image manifest
/// writes it: what it is, its digest and size, and where else it may be fetched from.
struct Descriptor: Decodable, Sendable, Equatable {
    /// The media type of what it points to; `nil` when the manifest does not say.
    let mediaType: String?
    /// The digest of what it points to.
    let digest: String
    /// The size in bytes of what it points to.
    let size: Int64
    /// Where a foreign layer is fetched from instead of the registry.
    let urls: [String]?
    /// In an index: the platform of the manifest it points to.
    let platform: Platform?
    /// Free-form annotations (buildx marks attestation manifests with them).
    let annotations: [String: String]?

    init(mediaType: String?, digest: String, size: Int64, urls: [String]? = nil, platform: Platform? = nil, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.urls = urls
        self.platform = platform
        self.annotations = annotations
    }

    /// Whether the registry need not hold this layer: a Docker foreign layer, an OCI
    /// non-distributable layer, or any layer with `urls` to fetch it from elsewhere.
    var isForeign: Bool {
        MediaType.isForeignLayer(mediaType) || !(urls ?? []).isEmpty
    }
}
