/// How a registry wants requests authenticated, as its ping (`GET /v2/`) said.
enum RegistryChallenge: Sendable, Equatable {
    /// It answered 200: no authentication.
    case none
    /// `Authorization: Basic` with the credentials, on every request.
    case basic
    /// A token from `realm`, for `service`, sent as `Authorization: Bearer`.
    case bearer(realm: String, service: String?)

    /// The challenge to follow among `challenges`: Bearer (with a realm) before Basic, as docker
    /// prefers them.
    ///
    /// - Throws: ``AuthFailure/badRealm(registry:realm:)`` for a Bearer challenge whose realm is
    ///   not an http(s) URL (and no Basic to fall back on), ``AuthFailure/unsupportedChallenge(registry:schemes:)``
    ///   when there is neither.
    static func choose(from challenges: [AuthChallenge], registry: AuthRegistry) throws(AuthFailure) -> RegistryChallenge {
        let bearer = challenges.first { $0.scheme == "bearer" && $0.realm != nil }
        if let bearer, let realm = bearer.realm, isHTTPURL(realm) {
            return .bearer(realm: realm, service: bearer.service)
        }
        if challenges.contains(where: { $0.scheme == "basic" }) { return .basic }
        if let realm = bearer?.realm { throw .badRealm(registry: registry.apiHost, realm: realm) }
        throw .unsupportedChallenge(registry: registry.apiHost, schemes: challenges.map(\.scheme))
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        for scheme in ["https://", "http://"] where lower.hasPrefix(scheme) {
            return lower.count > scheme.count && !text.contains(where: { $0.isWhitespace })
        }
        return false
    }
}
