/// How the verification of one image ended.
enum ImageStatus: String, Codable, Sendable, CaseIterable {
    /// Pulled, and its digest read back from the daemon.
    case good
    /// The pull or the inspect failed, or the line is not a valid reference.
    case error
    /// The image's timeout ran out; its client was killed.
    case timeout
}
