/// Why an image could not be authenticated, for its record. Each message says what happened and
/// what to do; none holds a credential or token (only server-provided text, escaped, and the
/// names of files and helpers).
enum AuthFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ping (`GET /v2/`) did not get an answer: the network failed.
    case pingFailed(registry: String, reason: String)
    /// The ping was answered with something that is no usable HTTP response (not HTTP at all,
    /// headers curl cannot hold, a body over the limit).
    case pingUnreadable(registry: String, reason: String)
    /// The ping was answered with something other than 200 or 401.
    case pingStatus(registry: String, status: Int)
    /// The registry asked for authentication verify cannot give.
    case unsupportedChallenge(registry: String, schemes: [String])
    /// A Bearer challenge whose realm is no http(s) URL.
    case badRealm(registry: String, realm: String)
    /// The registry wants Basic credentials and none were found.
    case credentialsRequired(registry: String, searched: [String])
    /// A credential helper failed (or could not be run).
    case helperFailed(helper: String, registry: String, message: String)
    /// A credential helper answered with something other than its JSON.
    case helperAnswerMalformed(helper: String, registry: String)
    /// The token service answered with an error status.
    case tokenStatus(realm: String, status: Int, withCredentials: Bool)
    /// The token service could not be reached.
    case tokenFetchFailed(realm: String, reason: String)
    /// The token service answered with something that is no usable HTTP response.
    case tokenUnreadable(realm: String, reason: String)
    /// The token service's answer could not be used.
    case tokenResponseMalformed(realm: String, reason: String)
    /// The registry refused the request (401) after the token was renewed and the credentials
    /// looked up again where that could help.
    case unauthorized(target: String, detail: String?)
    /// The registry forbade the request (403).
    case denied(target: String)

    /// The category the image's record gets.
    var category: ErrorCategory {
        switch self {
        case .pingFailed, .tokenFetchFailed: return .network
        case .pingStatus(_, let status), .tokenStatus(_, let status, _):
            switch status {
            case 401, 403: return .unauthorized
            case 429: return .rateLimited
            case 500...599: return .serverError
            default: return .other
            }
        case .unsupportedChallenge, .badRealm, .tokenResponseMalformed, .pingUnreadable, .tokenUnreadable: return .other
        case .credentialsRequired, .helperFailed, .helperAnswerMalformed, .unauthorized, .denied: return .unauthorized
        }
    }

    var description: String {
        switch self {
        case .pingFailed(let registry, let reason):
            return "cannot reach \(registry): GET /v2/ failed: \(OneLine.make(reason, limit: 200))"
        case .pingUnreadable(let registry, let reason):
            return "\(registry) answered GET /v2/ with something verify cannot use as an HTTP response: \(OneLine.make(reason, limit: 200))"
        case .pingStatus(let registry, let status):
            return "\(registry) answered GET /v2/ with HTTP \(status), so it is not a working registry (Distribution API) at this address"
        case .unsupportedChallenge(let registry, let schemes):
            let list = schemes.isEmpty ? "no challenge" : schemes.map { EscapedText.make($0, limit: 40) }.joined(separator: ", ")
            return "\(registry) asks for authentication verify does not speak (\(list)); it speaks Basic and Bearer"
        case .badRealm(let registry, let realm):
            return "\(registry) sent a Bearer challenge whose realm \"\(EscapedText.make(realm, limit: 200))\" is not an http(s) URL"
        case .credentialsRequired(let registry, let searched):
            let files = searched.isEmpty ? "no credentials file (no HOME, DOCKER_CONFIG or REGISTRY_AUTH_FILE)" : searched.map { EscapedText.make($0) }.joined(separator: ", ")
            return "\(registry) asks for a user name and password, and none is set for it in \(files); run docker login \(registry)"
        case .helperFailed(let helper, let registry, let message):
            return "credential helper \(helper) failed for \(registry): \(message); check that it is installed and logged in"
        case .helperAnswerMalformed(let helper, let registry):
            return "credential helper \(helper) answered for \(registry) with something other than its JSON ({ServerURL, Username, Secret})"
        case .tokenStatus(let realm, let status, let withCredentials):
            let hint = status == 401 || status == 403
                ? (withCredentials ? "; the credentials were refused: log in again" : "; the registry wants credentials: run docker login")
                : ""
            return "the token service \(EscapedText.make(realm, limit: 200)) answered HTTP \(status)\(hint)"
        case .tokenFetchFailed(let realm, let reason):
            return "cannot reach the token service \(EscapedText.make(realm, limit: 200)): \(OneLine.make(reason, limit: 200))"
        case .tokenUnreadable(let realm, let reason):
            return "the token service \(EscapedText.make(realm, limit: 200)) answered with something verify cannot use as an HTTP response: \(OneLine.make(reason, limit: 200))"
        case .tokenResponseMalformed(let realm, let reason):
            return "the token service \(EscapedText.make(realm, limit: 200)) answered in a way verify cannot use: \(reason)"
        case .unauthorized(let target, let detail):
            let shown = detail.map { " (\(OneLine.make($0, limit: 200)))" } ?? ""
            return "unauthorized: \(target) refused the credentials or token\(shown); check the login and that the account may pull it"
        case .denied(let target):
            return "denied: \(target) answered 403 Forbidden; the account may not pull it"
        }
    }
}
