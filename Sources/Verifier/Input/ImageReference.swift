/// A container image reference, parsed and validated against Docker's reference grammar
/// (the one in distribution/reference that `docker pull` itself applies).
///
/// ```
/// reference := [domain "/"] path [":" tag] ["@" digest]
/// ```
///
/// `verify` is stricter than the grammar in one place: a digest must be `sha256:` followed by
/// 64 lowercase hex digits, the only kind a registry migration deals in.
struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// The registry host and optional port as written (`registry.example.com:5000`), or `nil`
    /// when the reference names none (Docker then uses Docker Hub).
    let domain: String?
    /// The repository path inside the registry, for example `team1/app1`.
    let path: String
    /// The tag, if the reference has one.
    let tag: String?
    /// The digest (`sha256:…`), if the reference has one.
    let digest: String?

    /// The longest repository name Docker accepts, registry part included.
    static let maximumNameLength = 255
    /// More than any valid reference is long: a 255-character name (261 when written with
    /// `index.docker.io/`), a 128-character tag and a sha256 digest come to 461.
    static let maximumLength = 512

    /// Parses and validates `text`, which must already be trimmed.
    init(parsing text: String) throws(ReferenceError) {
        self = try ReferenceParser.parse(text)
    }

    init(domain: String?, path: String, tag: String?, digest: String?) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// The reference as Docker would print it, with the registry part only where one was given.
    var description: String {
        var text = name
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest }
        return text
    }

    /// `domain/path`, or just `path` when there is no registry part.
    var name: String {
        if let domain { return domain + "/" + path }
        return path
    }

    /// The repository in Docker's fully normalised form: `docker.io/` stands for a missing
    /// registry part and `index.docker.io`, and `library/` is implied for one-component
    /// Docker Hub names. Two references name the same repository exactly when these are equal.
    var normalizedRepository: String {
        let hub = "docker.io"
        let registry = domain.map { $0 == "index.docker.io" ? hub : $0 } ?? hub
        if registry == hub && !path.contains("/") {
            return hub + "/library/" + path
        }
        return registry + "/" + path
    }

    /// The same reference pulled from `registry` instead: the registry part is replaced, or put in
    /// front where there was none. `library/` is not added.
    ///
    /// The result, read again the way Docker reads it, must name `registry`: a reference Docker
    /// would pull from anywhere else (Docker Hub) is refused.
    func replacingRegistry(with registry: RegistryHost) throws(ReferenceError) -> ImageReference {
        let moved = ImageReference(domain: registry.description, path: path, tag: tag, digest: digest)
        guard moved.name.utf8.count <= Self.maximumNameLength else {
            throw ReferenceError("repository name would be longer than \(Self.maximumNameLength) characters on \(registry)")
        }
        let pulledFrom: String?
        do { pulledFrom = try ReferenceParser.parse(moved.description).domain } catch {
            throw ReferenceError("\"\(moved)\" is not a valid reference: \(error.reason)")
        }
        guard pulledFrom == registry.description else {
            throw ReferenceError("\"\(moved)\" would be pulled from \(pulledFrom ?? "Docker Hub"), not from \(registry)")
        }
        return moved
    }
}
