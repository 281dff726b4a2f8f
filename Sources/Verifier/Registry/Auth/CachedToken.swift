/// A Bearer token with the times it is good for.
///
/// Its lifetime counts from when the service issued it (`issued_at`) when that lies between
/// `expires_in` before its arrival and its arrival; otherwise, a service whose clock is off
/// could make it look already expired or last too long, so it counts from its arrival.
///
/// It is renewed early, at ``renewAt``: the margin is 10% of its lifetime, at least 5 s (a request
/// takes time to reach the registry, and clocks differ), and at most half the lifetime. A
/// 300 s token is renewed after 270 s, a 60 s one after 54 s, a 3600 s one after 3240 s.
struct CachedToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The `Authorization` header value: `Bearer <token>`.
    let authorization: Secret
    /// When it stops working, in the session's clock (seconds since 1970).
    let expiresAt: Double
    /// When to start getting the next one.
    let renewAt: Double

    /// The shortest renewal margin, in seconds.
    static let minimumMargin: Double = 5
    /// The renewal margin as a fraction of the lifetime.
    static let marginFraction: Double = 0.1

    init(_ response: TokenResponse, receivedAt now: Double) {
        authorization = Secret("Bearer " + response.token.revealed)
        let lifetime = response.expiresIn
        let start = response.issuedAt.flatMap { $0 <= now && $0 >= now - lifetime ? $0 : nil } ?? now
        expiresAt = start + lifetime
        let margin = min(max(Self.minimumMargin, lifetime * Self.marginFraction), lifetime / 2)
        renewAt = expiresAt - margin
    }

    /// Whether it is time to get the next one.
    func needsRenewal(at now: Double) -> Bool { now >= renewAt }
    /// Whether it still works, though maybe due for renewal.
    func isUsable(at now: Double) -> Bool { now < expiresAt }

    var description: String { "Bearer token expiring at \(expiresAt.formatted())" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["expiresAt": expiresAt, "renewAt": renewAt], displayStyle: .struct) }
}
