/// One valid image of the list, as the supervisor hands it out and records it.
struct Job: Sendable, Equatable {
    /// The list line as written, trimmed.
    let text: String
    /// Its line number.
    let line: Int
    /// The reference to pull (after `--registry`).
    let pull: String

    /// The reference a list line pulls: the line's reference, with `registry` in place of its own
    /// when one is given.
    static func pulled(_ text: String, registry: RegistryHost?) throws(ReferenceError) -> ImageReference {
        let reference = try ImageReference(parsing: text)
        return try registry.map { registry throws(ReferenceError) in try reference.replacingRegistry(with: registry) } ?? reference
    }
}

/// All the supervisor keeps of a job until it is handed out: where its line is in the list
/// (16 bytes, so that a million pending images cost 16 MB). The line is read and parsed again when
/// the job goes out (``ListSource/job(_:registry:)``).
struct PlannedJob: Sendable, Equatable {
    /// Where the line starts in the list, and its length (untrimmed, without the newline).
    let offset: Int
    let length: UInt32
    /// Its 1-based line number.
    let line: UInt32
}
