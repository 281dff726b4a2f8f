/// One challenge of a `WWW-Authenticate` header: a scheme, and either parameters or a token68.
///
/// ```
/// WWW-Authenticate: Bearer realm="https://auth.docker.io/token",service="registry.docker.io"
/// ```
struct AuthChallenge: Sendable, Equatable, CustomStringConvertible {
    /// The scheme, lowercased (`bearer`, `basic`): schemes are case-insensitive.
    let scheme: String
    /// The parameters, by lowercased name (names are case-insensitive; values are not), with
    /// quoted strings unquoted. Where a name appears twice, the first value counts.
    let parameters: [String: String]
    /// The token68 that stands instead of parameters (`Negotiate YII…`), if any.
    let token68: String?

    init(scheme: String, parameters: [String: String] = [:], token68: String? = nil) {
        self.scheme = scheme.lowercased()
        self.parameters = parameters
        self.token68 = token68
    }

    /// The `realm` parameter.
    var realm: String? { parameters["realm"] }
    /// The `service` parameter (Bearer).
    var service: String? { parameters["service"] }
    /// The `scope` parameter (Bearer, on a 401 for a resource).
    var scope: String? { parameters["scope"] }
    /// The `error` parameter (RFC 6750: `invalid_token`, `insufficient_scope`).
    var error: String? { parameters["error"] }

    /// Server-provided text, safe to show: scheme and parameter names with escaped values.
    var description: String {
        let parameters = parameters.keys.sorted().map { "\($0)=\"\(EscapedText.make(self.parameters[$0]!, limit: 200))\"" }
        return ([scheme] + parameters).joined(separator: " ")
    }
}
