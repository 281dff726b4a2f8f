import CCurl

/// Why an ``HTTPTransfer`` ended without a response: curl's code and its own words for it, and a
/// ``Kind`` to decide on. A response with any status (404 and 500 included) is no error here.
struct HTTPTransferError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in the terms a caller acts on.
    enum Kind: Sendable, Equatable {
        /// The host name could not be resolved (nor the proxy's).
        case dns
        /// No connection could be made: refused, unreachable, or not within the connect timeout.
        case connect
        /// The TLS handshake failed, or the server's certificate was not trusted.
        case tls
        /// The connection broke: reset, closed before the response was complete, or an HTTP/2
        /// stream or connection error.
        case reset
        /// The server went silent: slower than the request's low-speed limit for its time.
        case stalled
        /// The body exceeded ``HTTPRequest/bodyLimit``.
        case bodyTooLarge(limit: Int)
        /// The ``HTTPRequest/bodySink`` returned `false`.
        case abortedBySink
        /// The server spoke something curl could not follow: a malformed response, too many
        /// redirects, or a redirect to a scheme not allowed.
        case protocolViolation
        /// The request could not be made as given: a header with a line break, a URL curl
        /// refuses, or an option curl did not accept.
        case invalidRequest
        /// Anything else curl reports (out of memory, a failed local write, ...).
        case other
    }

    /// What went wrong, for deciding.
    let kind: Kind
    /// curl's `CURLcode`, 0 when curl was never asked.
    let curlCode: Int32
    /// curl's description of this failure (its error buffer, or the code's text when that is empty).
    let message: String

    /// Whether the network failed (rather than the request, the body, or the caller): worth
    /// another try.
    var isNetwork: Bool {
        switch kind {
        case .dns, .connect, .tls, .reset, .stalled: return true
        case .bodyTooLarge, .abortedBySink, .protocolViolation, .invalidRequest, .other: return false
        }
    }

    /// Whether the server answered with something that is no usable HTTP response (not HTTP, or a
    /// body over the limit), or the request could not be made as given (a URL curl refuses),
    /// rather than the network, the host or curl failing: the address is wrong, and another try
    /// would get the same.
    var isUnusableAnswer: Bool {
        switch kind {
        case .protocolViolation, .bodyTooLarge, .invalidRequest: return true
        case .dns, .connect, .tls, .reset, .stalled, .abortedBySink, .other: return false
        }
    }

    /// curl's message, which names the host and the cause.
    var description: String { message }

    /// A failure curl reported with `code` and `message` (its error buffer, possibly empty).
    /// `requestStarted` says whether the request had begun to go out when time ran out, which
    /// tells a stalled server from a connect timeout (curl gives both the same code).
    init(code: CURLcode, message: String, requestStarted: Bool) {
        curlCode = Int32(bitPattern: code.rawValue)
        self.message = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            kind = .dns
        case CURLE_COULDNT_CONNECT:
            kind = .connect
        case CURLE_OPERATION_TIMEDOUT:
            kind = requestStarted ? .stalled : .connect
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT:
            kind = .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            kind = .reset
        case CURLE_WEIRD_SERVER_REPLY, CURLE_TOO_MANY_REDIRECTS, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_CONTENT_ENCODING:
            kind = .protocolViolation
        case CURLE_URL_MALFORMAT:
            kind = .invalidRequest
        default:
            kind = .other
        }
    }

    /// A failure of verify's own making, with curl's code for it when there is one.
    init(kind: Kind, code: CURLcode = CURLE_OK, message: String) {
        self.kind = kind
        curlCode = Int32(bitPattern: code.rawValue)
        self.message = message
    }
}
