/// A registry address, `HOST` or `HOST:PORT`, as given to `--registry`: one that Docker reads as
/// a registry when it stands in front of a repository path.
public struct RegistryHost: Hashable, Sendable, CustomStringConvertible {
    /// The address as given, `HOST` or `HOST:PORT`.
    public let description: String

    /// Validates `text` against the domain part of Docker's reference grammar, and refuses a host
    /// Docker would take for the first component of a Docker Hub name (`myregistry/team/app` is a
    /// Docker Hub repository): it needs a dot, a port or an uppercase letter, or to be `localhost`.
    public init(parsing text: String) throws(ReferenceError) {
        guard ReferenceParser.isValidDomain(text) else {
            throw ReferenceError("\"\(text)\" is not a registry address (expected HOST or HOST:PORT, like registry.example.com:5000)")
        }
        guard ReferenceParser.readsAsDomain(text) else {
            throw ReferenceError("\"\(text)\" would be read as a Docker Hub namespace; give a port (\(text):5000) or a dotted name")
        }
        self.init(unchecked: text)
    }

    /// `text`, taken without the checks of ``init(parsing:)``.
    init(unchecked text: String) {
        description = text
    }
}
