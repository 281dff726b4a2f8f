import Foundation

/// How the registry answered one ``RegistryRequest``, as a value the driver builds.
struct RegistryAnswer: Sendable, Equatable {
    /// What the driver computed while it streamed a blob's body (``RegistryRequest/Kind/blobGet(_:)``).
    struct StreamedContent: Sendable, Equatable {
        /// `sha256:…` of the bytes received (``SHA256Hasher``).
        let digest: String
        /// How many bytes were received.
        let byteCount: Int64
    }

    /// The HTTP status of the final answer (after redirects and the auth layer's retries).
    let status: Int
    /// The headers the check reads, by lowercased name: `docker-content-digest`,
    /// `content-length`, `content-type`, `retry-after`, `date`, `ratelimit-limit`,
    /// `ratelimit-remaining`. Others may be there; they are ignored.
    let headers: [String: String]
    /// The body: a manifest's bytes (up to the request's ``RegistryRequest/bodyLimit`` plus one)
    /// or an error's JSON; empty for a HEAD and for a streamed blob.
    let body: [UInt8]
    /// For a streamed blob GET that answered 200: its digest and size.
    let content: StreamedContent?
    /// When the answer arrived, to read a `Retry-After` date; without it, the answer's own `Date`
    /// header is taken.
    let receivedAt: Date?
    /// The HTTP version it came over, when known.
    let httpVersion: HTTPVersion?
    /// The connections opened to get it: 0 when it came on a connection already open. The driver
    /// adds those its authentication opened before it (``RegistrySession``), which no answer of
    /// the check's own would count.
    let newConnections: Int

    /// An answer; header names are taken in any case.
    init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], content: StreamedContent? = nil, receivedAt: Date? = nil,
         httpVersion: HTTPVersion? = nil, newConnections: Int = 0) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
        self.content = content
        self.receivedAt = receivedAt
        self.httpVersion = httpVersion
        self.newConnections = newConnections
    }

    /// The header `name` (any case), trimmed.
    func header(_ name: String) -> String? {
        headers[name.lowercased()]?.trimmingCharacters(in: .whitespaces)
    }

    /// `Content-Length`, if it is a number.
    var contentLength: Int64? { header("content-length").flatMap { Int64($0) } }

    /// The seconds `Retry-After` asks to wait, if the answer has one that reads.
    var retryAfterSeconds: Double? {
        guard let value = header("retry-after") else { return nil }
        return RetryAfter.seconds(value, now: receivedAt ?? header("date").flatMap(HTTPDate.parse))
    }

    /// Docker Hub's quota headers, if the answer has them.
    var rateLimit: RateLimit? {
        RateLimit(limit: header("ratelimit-limit"), remaining: header("ratelimit-remaining"))
    }
}
