/// One place the credentials for a registry may be: in a file already, or with a helper program.
enum CredentialCandidate: Sendable, Equatable, CustomStringConvertible {
    /// Credentials written in a file's `auths`.
    case stored(RegistryCredential)
    /// A credential helper to ask.
    case helper(CredentialHelperRequest)

    var description: String {
        switch self {
        case .stored(let credential): return credential.description
        case .helper(let request): return request.description
        }
    }
}
