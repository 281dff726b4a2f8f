import CCurl
import Foundation

/// One request in flight on a ``CurlMulti``, made by ``CurlMulti/start(_:completion:)``: it owns
/// curl's easy handle, gathers the response as curl delivers it, and hands the outcome to its
/// completion exactly once, unless it is cancelled first.
///
/// Loop-confined, like everything on a ``UVLoop``. The multi holds it while curl does; the
/// caller keeps it only to cancel.
final class HTTPTransfer {
    /// Where a transfer is in its life.
    enum State {
        /// Waiting for curl, or for its completion to be called.
        case running
        /// Its completion has been called.
        case finished
        /// ``cancel()`` was called, or its multi closed; its completion never will be.
        case cancelled
    }

    /// Where the transfer is in its life.
    private(set) var state = State.running
    /// curl's easy handle (`CURL *`); `nil` when curl could not make one, or once released.
    private(set) var easy: UnsafeMutableRawPointer?
    private weak var owner: CurlMulti?
    private var completion: ((Result<HTTPResponse, HTTPTransferError>) -> Void)?
    private var bodySink: ((UnsafeRawBufferPointer) -> Bool)?
    private let bodyLimit: Int
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headers: [(name: String, value: String)] = []
    private var body = Data()
    private var bytesReceived = 0
    /// Why verify's own callback stopped the body, when it did.
    private var abortReason: HTTPTransferError.Kind?

    /// A transfer for `request` on `owner`, not configured yet.
    init(_ request: HTTPRequest, owner: CurlMulti, completion: @escaping (Result<HTTPResponse, HTTPTransferError>) -> Void) {
        self.owner = owner
        self.completion = completion
        bodySink = request.bodySink
        bodyLimit = request.bodyLimit
        errorBuffer = .allocate(capacity: Int(verify_curl_error_size))
        errorBuffer.initialize(repeating: 0, count: Int(verify_curl_error_size))
        easy = curl_easy_init()
    }

    deinit {
        release()
        errorBuffer.deallocate()
    }

    /// Stops the transfer: curl lets go of it (from the loop, if curl is busy with a callback),
    /// and its completion is **not** called, now or later. Whoever cancels knows why already:
    /// the caller's own timeout. Nothing happens once the completion has been called.
    func cancel() {
        guard state == .running else { return }
        abandon()
        owner?.remove(self)
    }

    // MARK: For CurlMulti

    /// Sets curl's options for `request`. `socketOwner` is the multi, for the socket callbacks
    /// (a connection outlives its first transfer, but not its multi).
    func configure(_ request: HTTPRequest, socketOwner: UnsafeMutableRawPointer,
                   openSocket: curl_opensocket_callback, closeSocket: curl_closesocket_callback) throws(HTTPTransferError) {
        guard let easy else { throw HTTPTransferError(kind: .other, code: CURLE_OUT_OF_MEMORY, message: "curl_easy_init failed") }
        for (name, value) in request.headers {
            guard !(name + value).utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
                throw HTTPTransferError(kind: .invalidRequest, message: "the request header \(EscapedText.make(name)) holds a line break or NUL")
            }
            // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
            guard let list = curl_slist_append(headerList, value.isEmpty ? "\(name);" : "\(name): \(value)") else {
                throw HTTPTransferError(kind: .other, code: CURLE_OUT_OF_MEMORY, message: "curl_slist_append failed")
            }
            headerList = list
        }
        let this = Unmanaged.passUnretained(self).toOpaque()
        let protocols = request.insecure ? "http,https" : "https"
        try check(verify_curl_easy_setopt_string(easy, CURLOPT_URL, request.url), "URL")
        try check(verify_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        switch request.method {
        case .get: try check(verify_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1), "HTTPGET")
        case .head: try check(verify_curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1), "NOBODY")
        case .post(let form):
            // curl copies the form; it sends it with Content-Type application/x-www-form-urlencoded.
            try check(verify_curl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, form), "COPYPOSTFIELDS")
        }
        if let headerList { try check(verify_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER") }
        if request.bodySink != nil {
            // A streamed body (a blob hashed at --depth content) is read in larger pieces: a quarter
            // of the callbacks and reads of curl's 16 KiB default, for 64 KiB a transfer.
            try check(verify_curl_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, HTTPRequest.streamingBufferSize), "BUFFERSIZE")
        }
        try check(verify_curl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION) { bytes, size, count, this in
            HTTPTransfer.from(this).receiveBody(UnsafeRawBufferPointer(start: bytes, count: size * count)) ? size * count : 0
        }, "WRITEFUNCTION")
        try check(verify_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, this), "WRITEDATA")
        try check(verify_curl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION) { bytes, size, count, this in
            HTTPTransfer.from(this).receiveHeaderLine(UnsafeRawBufferPointer(start: bytes, count: size * count))
            return size * count
        }, "HEADERFUNCTION")
        try check(verify_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, this), "HEADERDATA")
        // Signals are no way to time out a name lookup in a process with a libuv loop.
        try check(verify_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        // Registries redirect blob reads to storage. curl sends neither Authorization nor
        // cookies to another host or port than the first (UNRESTRICTED_AUTH off, its default).
        try check(verify_curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1), "FOLLOWLOCATION")
        try check(verify_curl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, request.maxRedirects), "MAXREDIRS")
        try check(verify_curl_easy_setopt_long(easy, CURLOPT_UNRESTRICTED_AUTH, 0), "UNRESTRICTED_AUTH")
        try check(verify_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, protocols), "PROTOCOLS_STR")
        try check(verify_curl_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, protocols), "REDIR_PROTOCOLS_STR")
        if request.insecure {
            try check(verify_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0), "SSL_VERIFYPEER")
            try check(verify_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0), "SSL_VERIFYHOST")
        }
        if let caCertificate = request.caCertificate {
            try check(verify_curl_easy_setopt_string(easy, CURLOPT_CAINFO, caCertificate), "CAINFO")
        }
        // No CURLOPT_TIMEOUT_MS: its clock starts when the transfer is added, so time spent
        // queued behind CURLMOPT_MAX_HOST_CONNECTIONS would count, and a busy registry would
        // time out transfers that never started. The connect timeout and the low-speed limit
        // bound what a connection may do; the caller's own timer bounds the whole.
        try check(verify_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(clamping: request.connectTimeoutMilliseconds)), "CONNECTTIMEOUT_MS")
        try check(verify_curl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedBytesPerSecond), "LOW_SPEED_LIMIT")
        try check(verify_curl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, request.lowSpeedSeconds), "LOW_SPEED_TIME")
        if request.method == .get {
            // Refuses a body whose announced length is too large before it comes.
            try check(verify_curl_easy_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.bodyLimit)), "MAXFILESIZE_LARGE")
        }
        // No CURLOPT_PIPEWAIT: with it, curl 7.88 parks new transfers behind a connection whose
        // server has not answered yet ("Server doesn't support multiplex yet, wait"), and when
        // that transfer is cancelled they stay parked for ever (seen in CurlMultiTests). Without
        // it, the first transfers to an HTTP/2 server may open a few connections (at most
        // CURLMOPT_MAX_HOST_CONNECTIONS) before curl multiplexes on them.
        try check(verify_curl_easy_setopt_opensocket_callback(easy, openSocket), "OPENSOCKETFUNCTION")
        try check(verify_curl_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, socketOwner), "OPENSOCKETDATA")
        try check(verify_curl_easy_setopt_closesocket_callback(easy, closeSocket), "CLOSESOCKETFUNCTION")
        try check(verify_curl_easy_setopt_pointer(easy, CURLOPT_CLOSESOCKETDATA, socketOwner), "CLOSESOCKETDATA")
    }

    /// What curl's `code` for the finished transfer means, read before the easy handle goes.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, HTTPTransferError> {
        if code == CURLE_OK {
            var status = 0
            var address: UnsafePointer<CChar>?
            _ = verify_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            _ = verify_curl_easy_getinfo_string(easy, CURLINFO_PRIMARY_IP, &address)
            var version = 0
            var connections = 0
            _ = verify_curl_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
            _ = verify_curl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connections)
            let primaryIP = address.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            return .success(HTTPResponse(status: status, headers: headers, body: bodySink == nil ? body : nil,
                                         bytesReceived: bytesReceived, primaryIP: primaryIP,
                                         httpVersion: Self.httpVersion(version), newConnections: connections))
        }
        if code == CURLE_FILESIZE_EXCEEDED { return .failure(bodyTooLarge(code)) }
        if code == CURLE_WRITE_ERROR, let abortReason {
            return .failure(abortReason == .abortedBySink
                ? HTTPTransferError(kind: .abortedBySink, code: code, message: "the body's reader stopped the transfer")
                : bodyTooLarge(code))
        }
        var requestStarted: curl_off_t = 0
        _ = verify_curl_easy_getinfo_off_t(easy, CURLINFO_PRETRANSFER_TIME_T, &requestStarted)
        return .failure(HTTPTransferError(code: code, message: String(cString: errorBuffer), requestStarted: requestStarted > 0))
    }

    /// Calls the completion with `result`, once, unless the transfer was cancelled.
    func complete(_ result: Result<HTTPResponse, HTTPTransferError>) {
        guard state == .running else { return }
        state = .finished
        let completion = self.completion
        self.completion = nil
        bodySink = nil
        completion?(result)
    }

    /// Marks the transfer cancelled without telling its multi (which is letting go of it).
    func abandon() {
        guard state == .running else { return }
        state = .cancelled
        completion = nil
        bodySink = nil
    }

    /// Frees the easy handle and what curl borrowed from this transfer. The multi must have let
    /// go of the handle first (curl_multi_remove_handle).
    func release() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    // MARK: curl's callbacks

    private static func from(_ pointer: UnsafeMutableRawPointer?) -> HTTPTransfer {
        Unmanaged<HTTPTransfer>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// Takes a piece of the body; `false` stops the transfer (curl then reports a write error).
    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard state == .running else { return false }
        guard bytes.count <= bodyLimit - bytesReceived else {
            abortReason = .bodyTooLarge(limit: bodyLimit)
            return false
        }
        bytesReceived += bytes.count
        if let bodySink {
            guard bodySink(bytes) else {
                abortReason = .abortedBySink
                return false
            }
        } else {
            body.append(contentsOf: bytes)
        }
        return true
    }

    /// Takes one header line as curl delivers it, line ending included. A status line starts a
    /// new response (after a redirect or a `100 Continue`), whose headers replace those before.
    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        while let last = line.last, last.isNewline { line.removeLast() } // "\r\n" is one Character
        if line.hasPrefix("HTTP/") {
            headers = []
        } else if let first = line.first, first == " " || first == "\t", let last = headers.indices.last {
            headers[last].value += " " + line.trimmingCharacters(in: .whitespaces)
        } else if let colon = line.firstIndex(of: ":") {
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
    }

    /// The version `CURLINFO_HTTP_VERSION` gives; `nil` for 0 (none yet) or one unknown here.
    private static func httpVersion(_ value: Int) -> HTTPVersion? {
        switch value {
        case CURL_HTTP_VERSION_1_0: return .http1_0
        case CURL_HTTP_VERSION_1_1: return .http1_1
        case CURL_HTTP_VERSION_2_0: return .http2
        case CURL_HTTP_VERSION_3: return .http3
        default: return nil
        }
    }

    private func bodyTooLarge(_ code: CURLcode) -> HTTPTransferError {
        HTTPTransferError(kind: .bodyTooLarge(limit: bodyLimit), code: code, message: "body larger than \(bodyLimit) bytes")
    }

    private func check(_ code: CURLcode, _ option: String) throws(HTTPTransferError) {
        guard code != CURLE_OK else { return }
        throw HTTPTransferError(kind: .invalidRequest, code: code,
                                message: "curl refused CURLOPT_\(option): \(String(cString: curl_easy_strerror(code)))")
    }
}
