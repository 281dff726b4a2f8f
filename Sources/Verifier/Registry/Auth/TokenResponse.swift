import Foundation

/// A token service's answer: `{"token": "…", "access_token": "…", "expires_in": 300,
/// "issued_at": "2024-05-01T10:00:00Z"}`.
///
/// `token` is taken, or `access_token` when there is none (OAuth2 services answer with that).
/// A missing or short `expires_in` means 60 seconds, as docker has it: the distribution token
/// spec says a token lasts at least that.
struct TokenResponse: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The Bearer token.
    let token: Secret
    /// How long it lasts, in seconds.
    let expiresIn: Double
    /// When the service issued it, in seconds since 1970, if it said (and said it readably).
    let issuedAt: Double?

    /// The shortest lifetime a token is given.
    static let minimumLifetime: Double = 60

    init(token: Secret, expiresIn: Double, issuedAt: Double?) {
        self.token = token
        self.expiresIn = expiresIn
        self.issuedAt = issuedAt
    }

    /// Parses a response body.
    ///
    /// - Throws: a reason, never quoting the body (which is all secret).
    static func parse(_ body: [UInt8]) throws(TokenResponseError) -> TokenResponse {
        guard let raw = try? JSONDecoder().decode(Raw.self, from: Data(body)) else {
            throw TokenResponseError("the answer is not a JSON object of token, expires_in and issued_at")
        }
        guard let token = [raw.token, raw.access_token].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw TokenResponseError("the answer has neither \"token\" nor \"access_token\"")
        }
        let expiresIn = max(raw.expires_in ?? 0, minimumLifetime)
        let issuedAt = raw.issued_at.flatMap(parseTime)
        return TokenResponse(token: Secret(token), expiresIn: expiresIn, issuedAt: issuedAt)
    }

    /// An RFC 3339 time, with or without fractional seconds, in seconds since 1970.
    static func parseTime(_ text: String) -> Double? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date.timeIntervalSince1970
        }
        return (try? Date(text, strategy: Date.ISO8601FormatStyle()))?.timeIntervalSince1970
    }

    var description: String { "token expiring in \(expiresIn.formatted()) s" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["expiresIn": expiresIn, "issuedAt": issuedAt as Any], displayStyle: .struct) }

    private struct Raw: Decodable {
        var token: String?
        var access_token: String?
        var expires_in: Double?
        var issued_at: String?
    }
}

/// Why a token service's answer could not be used.
struct TokenResponseError: Error, Sendable, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
