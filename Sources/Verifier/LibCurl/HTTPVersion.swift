/// The HTTP version a server answered with (`CURLINFO_HTTP_VERSION`).
enum HTTPVersion: String, Sendable, Equatable {
    case http1_0 = "HTTP/1.0"
    case http1_1 = "HTTP/1.1"
    /// Several requests share one connection at once (multiplexing).
    case http2 = "HTTP/2"
    case http3 = "HTTP/3"
}
