/// Sorts a client's error output into an ``ErrorCategory``.
///
/// The rules are one table, tried in order; the first rule with a phrase that occurs in the text
/// (compared case-insensitively) wins. The phrases come from real docker output, kept as test
/// fixtures in Tests/VerifierTests/Fixtures/client-output.
enum ErrorClassifier {
    /// The rules, most specific first.
    static let rules: [(category: ErrorCategory, phrases: [String])] = [
        (.daemonUnavailable, ["cannot connect to the docker daemon", "is the docker daemon running"]),
        (.invalidReference, ["invalid reference format"]),
        (.rateLimited, ["toomanyrequests", "too many requests", "rate limit", "http 429 response", "statuscode: 429"]),
        // docker: "received unexpected HTTP status: 503 Service Unavailable"; skopeo: "invalid status
        // code from registry 503 (Service Unavailable)". The status follows the phrase, so a
        // repository named "manifest503" never matches.
        (.serverError, ["unexpected http status: 5", "invalid status code from registry 5"]),
        (.unauthorized, ["unauthorized", "denied", "authentication required", "no basic auth credentials"]),
        (.blobUnknown, ["unknown blob", "blob unknown"]),
        // docker 20.10: "filesystem layer verification failed for digest sha256:…" and "image
        // config verification failed for digest sha256:…": the bytes do not hash to the digest.
        (.digestMismatch, ["verification failed for digest"]),
        (.notFound, ["manifest unknown", "not found", "name unknown", "no such image"]),
        (.network, [
            "connection refused", "connection reset", "dial tcp", "unexpected eof", ": eof", "i/o timeout", "no such host",
            "tls:", "tls handshake", "x509", "client.timeout exceeded", "request canceled",
            "network is unreachable", "no route to host", "server gave http response to https client",
        ]),
    ]

    /// The category of a failure whose client printed `text` on stderr.
    static func classify(_ text: String) -> ErrorCategory {
        let lowered = text.lowercased()
        for rule in rules where rule.phrases.contains(where: { lowered.contains($0) }) {
            return rule.category
        }
        return .other
    }
}
