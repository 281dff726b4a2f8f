/// A registry address, `HOST` or `HOST:PORT`, as given to `--registry`.
public struct RegistryHost: Hashable, Sendable, CustomStringConvertible {
    /// The address as given, `HOST` or `HOST:PORT`.
    public let description: String

    /// Validates `text` against the domain part of Docker's reference grammar.
    public init(parsing text: String) throws(ReferenceError) {
        guard ReferenceParser.isValidDomain(text) else {
            throw ReferenceError("\"\(text)\" is not a registry address (expected HOST or HOST:PORT, like registry.example.com:5000)")
        }
        description = text
    }
}
