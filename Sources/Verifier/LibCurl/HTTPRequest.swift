/// One HTTP request for ``CurlMulti``: what to ask for, how much of an answer to take, and how
/// long a silent connection may last.
///
/// There is deliberately no overall time limit (see ``CurlMulti``): the caller bounds the whole
/// exchange with its own timer and ``HTTPTransfer/cancel()``.
struct HTTPRequest {
    /// The methods verify needs: it only reads from registries, and asks token services for tokens.
    enum Method: Sendable, Equatable {
        /// `GET`: the body is wanted.
        case get
        /// `HEAD`: only the status and headers are wanted.
        case head
        /// `POST` of a form (`application/x-www-form-urlencoded`): an OAuth2 token request.
        case post(form: String)
    }

    /// `GET` or `HEAD`.
    var method: Method
    /// An absolute `https://` URL (or `http://` when ``insecure``).
    var url: String
    /// Extra request headers, in order. A name or value holding a line break or a NUL makes the
    /// transfer fail with ``HTTPTransferError/Kind/invalidRequest`` instead of being sent.
    var headers: [(name: String, value: String)] = []
    /// The most body bytes accepted, stored or streamed; one byte more ends the transfer with
    /// ``HTTPTransferError/Kind/bodyTooLarge(limit:)``.
    var bodyLimit: Int
    /// Receives the body as it arrives instead of ``HTTPResponse/body`` holding it (a blob can be
    /// hashed without being kept). The buffer is valid only during the call. Returning `false`
    /// ends the transfer with ``HTTPTransferError/Kind/abortedBySink``.
    var bodySink: ((UnsafeRawBufferPointer) -> Bool)?
    /// Skips the verification of the server's certificate and host name, and allows plain
    /// `http://` (for the request and for redirects). Without it only `https://` is spoken.
    var insecure = false
    /// A PEM file of certificate authorities to trust instead of the system's.
    var caCertificate: String?
    /// How long connecting (name lookup, TCP, TLS) may take, in milliseconds.
    var connectTimeoutMilliseconds: UInt64 = 30_000
    /// A transfer slower than this many bytes a second for ``lowSpeedSeconds`` is stalled, and
    /// fails with ``HTTPTransferError/Kind/stalled``. This covers a server that accepted the
    /// request and never answers. 0 turns the check off.
    var lowSpeedBytesPerSecond = 1
    /// See ``lowSpeedBytesPerSecond``.
    var lowSpeedSeconds = 60
    /// curl's receive buffer for a request with a ``bodySink``.
    static let streamingBufferSize = 64 * 1024

    /// How many redirects are followed (registries send blob reads to storage elsewhere).
    var maxRedirects = 10

    /// A request with the given method, URL and body limit, and the defaults for the rest.
    init(_ method: Method, _ url: String, bodyLimit: Int) {
        self.method = method
        self.url = url
        self.bodyLimit = bodyLimit
    }
}
