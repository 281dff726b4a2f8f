import Foundation

/// One credentials file, parsed: docker's `config.json` or podman's `auth.json`, which share the
/// `auths` format (`{"auths": {"HOST": {"auth": base64("user:password")}}}`), `credHelpers` and
/// `credsStore`.
///
/// Every `auths` entry is checked when the file is read, as docker does: one that cannot be
/// decoded makes the whole file malformed.
struct AuthFile: Sendable {
    /// Which program writes the file; they read `auths` keys differently.
    enum Flavor: Sendable {
        /// docker's `config.json`: a key is a host, or a URL whose path is ignored.
        case docker
        /// podman's `auth.json`: a key without a scheme that has a path (`quay.io/team`) holds
        /// credentials for that namespace only. verify does not use those (see
        /// ``candidates(for:)``).
        case containers
    }

    /// Where the file is, for messages.
    let path: String
    let flavor: Flavor
    /// The credentials of each usable `auths` entry, by its key as written.
    private let stored: [String: RegistryCredential]
    /// `credHelpers`: a registry key to the NAME of `docker-credential-NAME`.
    private let helpers: [String: String]
    /// `credsStore`: the helper for every registry without its own, if any.
    private let store: String?

    /// Parses `bytes`, the content of the file at `path`.
    init(path: String, flavor: Flavor, bytes: [UInt8]) throws(AuthFileError) {
        self.path = path
        self.flavor = flavor
        let raw: RawFile
        do { raw = try JSONDecoder().decode(RawFile.self, from: Data(bytes)) } catch {
            throw .malformed(path: path, reason: Self.reason(error))
        }
        var stored: [String: RegistryCredential] = [:]
        for (key, entry) in raw.auths ?? [:] {
            if let credential = try entry.credential(key: key, path: path) { stored[key] = credential }
        }
        self.stored = stored
        helpers = raw.credHelpers ?? [:]
        for (key, name) in helpers where !CredentialHelperRequest.isValidName(name) {
            throw .malformed(path: path, reason: "credHelpers.\"\(EscapedText.make(key, limit: 100))\" is not a helper name (expected letters, digits, '.', '_' or '-')")
        }
        store = raw.credsStore.flatMap { $0.isEmpty ? nil : $0 }
        if let store, !CredentialHelperRequest.isValidName(store) {
            throw .malformed(path: path, reason: "credsStore is not a helper name (expected letters, digits, '.', '_' or '-')")
        }
    }

    /// Where this file says the credentials for `registry` are, best first, in docker's order:
    /// the registry's own `credHelpers` entry, then `credsStore`, then the `auths` entry.
    ///
    /// A key matches when it is the registry's server address exactly, or names the same host
    /// once normalised (``AuthRegistry/normalizedKey(_:)``); an exact key comes first, then the
    /// others in sorted order. A podman namespace key (`quay.io/team`) matches nothing: its
    /// credentials are meant for part of the registry only, and verify asks per registry.
    func candidates(for registry: AuthRegistry) -> [CredentialCandidate] {
        var found: [CredentialCandidate] = []
        if let name = matching(helpers, registry).first {
            found.append(.helper(CredentialHelperRequest(helperName: name, registry: registry, configuredIn: path)))
        }
        if let store {
            found.append(.helper(CredentialHelperRequest(helperName: store, registry: registry, configuredIn: path)))
        }
        if let credential = matching(stored, registry).first {
            found.append(.stored(credential))
        }
        return found
    }

    private func matching<Value>(_ entries: [String: Value], _ registry: AuthRegistry) -> [Value] {
        if let exact = entries[registry.serverAddress] { return [exact] }
        return entries.keys.sorted().filter { key in
            if flavor == .containers, !key.contains("://"), key.contains("/") { return false }
            return AuthRegistry.normalizedKey(key) == registry.matchName
        }.map { entries[$0]! }
    }

    /// Where the decoder stopped, by keys only: values may be secrets.
    private static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        let where_: (DecodingError.Context) -> String = { context in
            let path = context.codingPath.map(\.stringValue).map { EscapedText.make($0, limit: 100) }.joined(separator: ".")
            return path.isEmpty ? "at the top level" : "at \(path)"
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "unreadable value \(where_(context))"
        case .typeMismatch(let type, let context):
            return "expected \(type == String.self ? "a string" : "an object") \(where_(context))"
        case .valueNotFound(_, let context):
            return "missing value \(where_(context))"
        case .keyNotFound(let key, let context):
            return "missing \"\(key.stringValue)\" \(where_(context))"
        @unknown default:
            return "not valid JSON"
        }
    }

    private struct RawFile: Decodable {
        var auths: [String: RawEntry]?
        var credHelpers: [String: String]?
        var credsStore: String?
    }

    private struct RawEntry: Decodable {
        var auth: String?
        var username: String?
        var password: String?
        var identitytoken: String?

        /// The credential this entry holds, or `nil` for an empty one (what `docker login` leaves
        /// in `auths` when a credential helper keeps the secret).
        func credential(key: String, path: String) throws(AuthFileError) -> RegistryCredential? {
            var username = username ?? ""
            var password = password ?? ""
            if let auth, !auth.isEmpty {
                guard let bytes = Base64.decode(auth), let text = String(validating: bytes, as: UTF8.self),
                      let colon = text.firstIndex(of: ":") else {
                    throw .malformed(path: path, reason: "auths.\"\(EscapedText.make(key, limit: 100))\".auth is not base64 of user:password")
                }
                username = String(text[..<colon])
                password = String(text[text.index(after: colon)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\0"))
            }
            if let identitytoken, !identitytoken.isEmpty {
                return RegistryCredential(.identityToken(username: Secret(username), token: Secret(identitytoken)), source: path)
            }
            if username.isEmpty && password.isEmpty { return nil }
            return RegistryCredential(.password(username: Secret(username), password: Secret(password)), source: path)
        }
    }
}
