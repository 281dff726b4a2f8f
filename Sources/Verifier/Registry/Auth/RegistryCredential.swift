/// What a registry is told about who is asking: a user name and password, or an identity token
/// (an OAuth2 refresh token, which `docker login` keeps for registries that hand one out).
///
/// Printed, it says only which kind it is and where it came from, never the user name or secret.
struct RegistryCredential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The two kinds of credential.
    enum Kind: Sendable, Equatable {
        /// `Authorization: Basic` with this user name and password (on the registry itself, or on
        /// the token service's GET).
        case password(username: Secret, password: Secret)
        /// An OAuth2 refresh token for the token service's POST; `username` may be empty.
        case identityToken(username: Secret, token: Secret)
    }

    let kind: Kind
    /// Where it was found, for messages: `/home/me/.docker/config.json` or
    /// `docker-credential-ecr-login`. Never a secret.
    let source: String

    init(_ kind: Kind, source: String) {
        self.kind = kind
        self.source = source
    }

    /// The value of an `Authorization: Basic` header carrying these credentials: base64 of
    /// `user:password` (with an identity token as the password, as containerd does on its GET
    /// fallback).
    var basicAuthorization: Secret {
        let pair: String
        switch kind {
        case .password(let username, let password): pair = username.revealed + ":" + password.revealed
        case .identityToken(let username, let token): pair = username.revealed + ":" + token.revealed
        }
        return Secret("Basic " + Base64.encode(Array(pair.utf8)))
    }

    var description: String {
        switch kind {
        case .password: return "password credential from \(source)"
        case .identityToken: return "identity token from \(source)"
        }
    }

    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["source": source], displayStyle: .struct) }
}
