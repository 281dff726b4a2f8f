/// A request to a Bearer token service, ready for the transport: method, URL (query already
/// percent-encoded), headers and, for the OAuth2 POST, a form body.
///
/// Header values and the body are ``Secret``s: they carry passwords and refresh tokens. The
/// request prints as its method and URL only (the URL holds no secret: service and scope).
struct TokenRequest: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The two ways of asking.
    enum Method: String, Sendable {
        /// The token GET of the distribution token spec, anonymous or with Basic credentials.
        case get = "GET"
        /// The OAuth2 POST with a refresh token (an identity token).
        case post = "POST"
    }

    /// One header.
    struct Header: Sendable, Equatable {
        let name: String
        let value: Secret
    }

    let method: Method
    /// The token service's address, without the query: for messages.
    let realm: String
    /// The realm with `service` and `scope` in its query.
    let url: String
    let headers: [Header]
    /// `application/x-www-form-urlencoded` fields, for the POST.
    let body: Secret?
    /// The registry and scope the token is for: the key the answer is cached under.
    let key: TokenKey

    /// Whether it carries credentials (Basic, or a refresh token).
    var carriesCredentials: Bool { method == .post || headers.contains { $0.name == "Authorization" } }

    /// The token GET: `realm?service=…&scope=…`, with `Authorization: Basic` when there are
    /// credentials. A realm that has a query already gets the fields after an `&`.
    static func get(realm: String, service: String?, scopes: [String], credential: RegistryCredential?, key: TokenKey) -> TokenRequest {
        var fields: [(String, String)] = []
        if let service { fields.append(("service", service)) }
        fields += scopes.map { ("scope", $0) }
        let separator = realm.contains("?") ? "&" : "?"
        let url = fields.isEmpty ? realm : realm + separator + FormEncoding.encode(fields)
        let headers = credential.map { [Header(name: "Authorization", value: $0.basicAuthorization)] } ?? []
        return TokenRequest(method: .get, realm: realm, url: url, headers: headers, body: nil, key: key)
    }

    /// The OAuth2 POST (RFC 6749 §6): `grant_type=refresh_token`, the refresh token, `service`,
    /// the scopes (space-separated, one field) and `client_id`.
    static func refresh(realm: String, service: String?, scopes: [String], refreshToken: Secret, clientID: String, key: TokenKey) -> TokenRequest {
        var fields: [(String, String)] = [("grant_type", "refresh_token"), ("refresh_token", refreshToken.revealed)]
        if let service { fields.append(("service", service)) }
        if !scopes.isEmpty { fields.append(("scope", scopes.joined(separator: " "))) }
        fields.append(("client_id", clientID))
        return TokenRequest(method: .post, realm: realm, url: realm,
                            headers: [Header(name: "Content-Type", value: Secret("application/x-www-form-urlencoded"))],
                            body: Secret(FormEncoding.encode(fields)), key: key)
    }

    var description: String { "\(method.rawValue) \(EscapedText.make(url))" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["method": method.rawValue, "url": url], displayStyle: .struct) }
}

/// What a token is cached under: one registry, one scope.
struct TokenKey: Hashable, Sendable, CustomStringConvertible {
    let registry: AuthRegistry
    let scope: String

    var description: String { "\(registry) \(scope)" }
}
