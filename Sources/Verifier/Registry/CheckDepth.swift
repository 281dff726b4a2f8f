/// How far `--client registry` looks into an image.
enum CheckDepth: String, Codable, Sendable, CaseIterable {
    /// The manifest (and, for a multi-platform image, each platform's manifest) is there and
    /// hashes to its digest.
    case manifest
    /// Also every blob (configs and layers) is there with the size the manifest gives, by HEAD.
    case blobs
    /// Also every blob's bytes are downloaded and hash to its digest.
    case content

    /// What `--depth` means when it is not given.
    static let `default` = CheckDepth.blobs
}
