import Foundation

/// How a credential helper's run ended, as the driver hands it back.
enum CredentialHelperOutcome: Sendable {
    /// It ran and exited with `status`.
    case exited(status: Int32, stdout: [UInt8], stderr: [UInt8])
    /// It could not be started, or was killed: `reason` says which (`not found on PATH`,
    /// `killed by signal 9`).
    case couldNotRun(reason: String)

    /// What the helper's answer means.
    enum Meaning: Sendable, Equatable {
        /// Credentials for the registry.
        case found(RegistryCredential)
        /// The helper has none for this registry (exit status 1 and "credentials not found in
        /// native keychain", the message every docker-credential-helpers program uses): try the
        /// next place, or go anonymous.
        case notFound
        /// It failed; the registry's images cannot be authenticated.
        case failed(AuthFailure)
    }

    /// Reads the answer to `request`: on success a JSON object `{"ServerURL", "Username",
    /// "Secret"}`, where the user name `<token>` means the secret is an identity token.
    ///
    /// A malformed answer is never quoted (it may hold the secret); a failure's message is,
    /// on one line, cut short, since helpers print their errors (docker-credential-helpers on
    /// stdout, others on stderr) and these say what went wrong.
    func meaning(for request: CredentialHelperRequest) -> Meaning {
        switch self {
        case .couldNotRun(let reason):
            return .failed(.helperFailed(helper: request.program, registry: request.serverAddress, message: reason))
        case .exited(let status, let stdout, let stderr):
            let output = String(decoding: stdout, as: UTF8.self) + "\n" + String(decoding: stderr, as: UTF8.self)
            guard status == 0 else {
                if output.lowercased().contains(Self.notFoundMessage) { return .notFound }
                let message = OneLine.make(output, limit: 200)
                return .failed(.helperFailed(helper: request.program, registry: request.serverAddress,
                                             message: message.isEmpty ? "exited with status \(status) and printed nothing" : message))
            }
            guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(stdout)) else {
                return .failed(.helperAnswerMalformed(helper: request.program, registry: request.serverAddress))
            }
            let username = answer.Username ?? ""
            if answer.Secret.isEmpty && username.isEmpty { return .notFound }
            let source = request.program
            if username == "<token>" {
                return .found(RegistryCredential(.identityToken(username: Secret(""), token: Secret(answer.Secret)), source: source))
            }
            return .found(RegistryCredential(.password(username: Secret(username), password: Secret(answer.Secret)), source: source))
        }
    }

    /// What docker-credential-helpers print when they hold nothing for the address.
    static let notFoundMessage = "credentials not found in native keychain"

    private struct Answer: Decodable {
        var ServerURL: String?
        var Username: String?
        var Secret: String
    }
}
