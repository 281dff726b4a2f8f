import Foundation

/// What a server answered to an ``HTTPRequest``, after any redirects.
struct HTTPResponse: Sendable {
    /// The status code of the last response, such as 200 or 404.
    let status: Int
    /// The headers of the last response only (a redirect's or a `100 Continue`'s are dropped), in
    /// the order received, as sent. Look them up with ``header(_:)``.
    let headers: [(name: String, value: String)]
    /// The body, or `nil` when the request had a ``HTTPRequest/bodySink``. Empty for `HEAD`.
    let body: Data?
    /// The body bytes received, whether kept in ``body`` or given to the sink.
    let bytesReceived: Int
    /// The IP address of the server that answered last, when curl knows it.
    let primaryIP: String?
    /// The HTTP version of the last response; `nil` when curl does not say.
    let httpVersion: HTTPVersion?
    /// The connections curl opened for the request, redirects included (`CURLINFO_NUM_CONNECTS`):
    /// 0 when it went on a connection already open.
    let newConnections: Int

    /// The value of the first header called `name`, compared without regard to case.
    func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
