/// What an image needs access to: a repository on a registry, pulled.
struct AuthTarget: Hashable, Sendable, CustomStringConvertible {
    let registry: AuthRegistry
    /// The repository path as it goes into `/v2/<repository>/manifests/…`: `library/nginx` for
    /// Docker Hub's official images.
    let repository: String

    init(registry: AuthRegistry, repository: String) {
        self.registry = registry
        self.repository = repository
    }

    /// The registry and repository of `reference`, with Docker Hub's implied `library/`.
    init(reference: ImageReference) {
        let registry = AuthRegistry(domain: reference.domain)
        self.registry = registry
        repository = registry.isDockerHub && !reference.path.contains("/") ? "library/" + reference.path : reference.path
    }

    /// The token scope for pulling: `repository:NAME:pull`.
    var pullScope: String { "repository:\(repository):pull" }

    var description: String { "\(registry.apiHost)/\(repository)" }
}
