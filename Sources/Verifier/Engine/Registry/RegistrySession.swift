import Foundation

/// One worker's connection to the registries it checks: libcurl's multi handle on the worker's
/// loop, the authentication of every request (``AuthSession``), the scheme each registry speaks,
/// and the blobs already found good, by repository.
///
/// An image's request goes out with its `Authorization`; a ping, a token fetch or a credential
/// lookup that the request needs first is made once for all the images that wait on it (they are
/// parked under its ticket and asked again when it is answered). A 401 or 403 goes back to the
/// ``AuthSession``, which says whether to try again with a new token or give up.
///
/// Loop-confined; ``close()`` must be called before the loop can end.
final class RegistrySession {
    /// Why a request got no answer the check can judge.
    enum Failure: Error {
        /// The network failed (curl's words), or the body broke a limit.
        case transfer(HTTPTransferError)
        /// The request could not be authenticated.
        case auth(AuthFailure)
    }

    /// An image's share of the session: its 401 retries, and the transfers it has in flight.
    final class Requester {
        fileprivate var retries = AuthRetries()
        fileprivate var transfers: [ObjectIdentifier: HTTPTransfer] = [:]
        /// Once set, nothing more is started for the image and no completion reaches it.
        fileprivate(set) var isClosed = false
        /// What authentication the image waits for before its request can go, when it waits:
        /// what its timeout names.
        fileprivate(set) var waitingFor: String?

        /// Cancels what the image has in flight; no completion of it comes after this.
        func close() {
            isClosed = true
            for transfer in transfers.values { transfer.cancel() }
            transfers = [:]
        }
    }

    let options: RegistryOptions
    private let loop: UVLoop
    private let multi: CurlMulti
    /// The time limits of the pings and token requests in flight.
    private var authTimers: [ObjectIdentifier: UVTimer] = [:]
    /// How long a ping or a token request may take (30 s, or the image timeout when shorter): no
    /// image owns it, so no image's timeout ends it, and a registry whose token service trickles
    /// would keep its images waiting for ever.
    private let authLimitSeconds: Double
    /// How long connecting may take when `--insecure` tries HTTPS before plain HTTP (docker's TLS
    /// handshake limit): a plain-HTTP server never answers a TLS hello.
    static let insecureHTTPSConnectMilliseconds: UInt64 = 10_000
    /// The credential helpers running now (one per registry at a time).
    private var helpers: [CredentialHelperRun] = []
    /// Told of each credential helper's PID when it starts, and again once libuv has reaped it:
    /// the worker's sweep for orphans must leave its own children alone (a sweep that reaped a
    /// helper first would lose its exit, and its answer with it). Set by the worker.
    var helperStarted: (Int32) -> Void = { _ in }
    /// See ``helperStarted``.
    var helperEnded: (Int32) -> Void = { _ in }
    private var auth: AuthSession
    /// Blobs found good in this run, by registry, repository and digest.
    var knownBlobs = KnownGoodBlobs()
    /// The images parked under each ticket, as what to do when it is answered.
    private var parked: [AuthSession.Ticket: [() -> Void]] = [:]
    /// `http` for the registries that answered only plain HTTP (`--insecure`).
    private var plainHTTP: Set<String> = []
    /// Connections opened by requests whose answers reach no image: pings, token requests, and
    /// the 401s and 403s authentication took (the first connection to a registry is usually the
    /// ping's, which the images' requests then reuse). The next answer an image gets counts them,
    /// so that the run's summary counts every connection the worker opened.
    private var connectionsNotCounted = 0

    /// A session on `loop` with `options`, for credentials found in `credentials`.
    init(loop: UVLoop, options: RegistryOptions, timeoutSeconds: Double, credentials: CredentialFiles) throws(VerifyError) {
        self.options = options
        self.loop = loop
        authLimitSeconds = min(30, timeoutSeconds)
        var multiOptions = CurlMulti.Options()
        multiOptions.maxConnectionsPerHost = options.maxConnections
        multi = try CurlMulti(loop: loop, options: multiOptions)
        auth = AuthSession(credentials: credentials)
    }

    /// Cancels every transfer, kills the credential helpers still running, and lets curl go.
    func close() {
        for timer in authTimers.values { timer.close() }
        authTimers = [:]
        multi.close()
        parked = [:]
        for helper in helpers { helper.kill() }
    }

    /// Makes `request` for `target` on behalf of `requester`, authenticated; `completion` gets the
    /// registry's answer (a 401 or 403 only once authentication has given up), or why there is none.
    func send(_ request: RegistryRequest, for target: AuthTarget, by requester: Requester,
              completion: @escaping (Result<RegistryAnswer, Failure>) -> Void) {
        guard !requester.isClosed else { return }
        switch auth.authorization(for: target, now: Date().timeIntervalSince1970) {
        case .ready(let authorization):
            let echoed = EchoedSecrets(sent: authorization)
            transfer(request, to: target.registry, authorization: authorization, by: requester) { [self] result in
                switch result.map({ (echoed.isEmpty ? $0.0 : $0.0.removing(echoed), $0.1) }) {
                case .failure(let error):
                    completion(.failure(.transfer(error)))
                case .success((let response, _)) where response.status == 401 || response.status == 403:
                    connectionsNotCounted += response.newConnections
                    let challenges = response.values(of: "www-authenticate")
                    switch auth.rejected(target, status: response.status, wwwAuthenticate: challenges, sent: authorization,
                                         retries: &requester.retries, now: Date().timeIntervalSince1970) {
                    case .retry: send(request, for: target, by: requester, completion: completion)
                    case .giveUp(let failure): completion(.failure(.auth(failure)))
                    }
                case .success((let response, let content)):
                    let answer = response.registryAnswer(content: content, connectionsBefore: connectionsNotCounted)
                    connectionsNotCounted = 0
                    completion(.success(answer))
                }
            }
        case .failed(let failure):
            completion(.failure(.auth(failure)))
        case let step:
            guard let ticket = step.ticket else { return }
            requester.waitingFor = Self.describe(ticket)
            parked[ticket, default: []].append { [self] in
                requester.waitingFor = nil
                send(request, for: target, by: requester, completion: completion)
            }
            start(step, for: target.registry)
        }
    }

    /// Starts what `step` asks for (a ping, a helper, a token), then wakes its ticket's images.
    private func start(_ step: AuthSession.Step, for registry: AuthRegistry) {
        let now = { Date().timeIntervalSince1970 }
        switch step {
        case .ping(let pinged):
            ping(pinged, scheme: options.insecure && !plainHTTP.contains(pinged.apiHost) ? "https" : scheme(of: pinged))
        case .fetchToken(let token):
            var request = httpRequest(token.method == .post ? .post(form: token.body?.revealed ?? "") : .get, token.url, bodyLimit: 1 << 20)
            request.headers = token.headers.map { ($0.name, $0.value.revealed) }
            startAuthRequest(request) { [self] result in
                switch result {
                case .success(let response): auth.tokenAnswered(token, status: response.status, body: Array(response.body ?? Data()), now: now())
                case .failure(let error): auth.tokenFailed(token, reason: error.message, unusableAnswer: error.isUnusableAnswer, now: now())
                }
                wake(.token(token.key))
            }
        case .runHelper(let helper):
            var run: CredentialHelperRun?
            run = CredentialHelperRun(helper, loop: loop) { [self] outcome in
                if let finished = run {
                    helpers.removeAll { $0 === finished }
                    if let pid = finished.processID { helperEnded(pid) }
                }
                auth.credentialsAnswered(helper, outcome, now: now())
                wake(.credentials(helper.registry))
            }
            if let run, let pid = run.processID {
                helpers.append(run)
                helperStarted(pid)
            }
        case .ready, .failed, .wait:
            break
        }
    }

    /// `GET /v2/` on `registry`; with `--insecure`, plain HTTP when HTTPS gets no answer.
    private func ping(_ registry: AuthRegistry, scheme: String) {
        var request = httpRequest(.get, "\(scheme)://\(registry.apiHost)/v2/", bodyLimit: 1 << 20)
        if scheme == "https" && options.insecure { request.connectTimeoutMilliseconds = Self.insecureHTTPSConnectMilliseconds }
        startAuthRequest(request) { [self] result in
            let now = Date().timeIntervalSince1970
            switch result {
            case .success(let response):
                auth.pingAnswered(registry, status: response.status, wwwAuthenticate: response.values(of: "www-authenticate"), now: now)
            case .failure(let error) where scheme == "https" && options.insecure && error.isNetwork:
                plainHTTP.insert(registry.apiHost)
                return ping(registry, scheme: "http")
            case .failure(let error):
                auth.pingFailed(registry, reason: error.message, unusableAnswer: error.isUnusableAnswer, now: now)
            }
            wake(.ping(registry))
        }
    }

    /// Starts a ping or a token request, ended after `authLimitSeconds` as a stalled transfer.
    private func startAuthRequest(_ request: HTTPRequest, completion: @escaping (Result<HTTPResponse, HTTPTransferError>) -> Void) {
        let timer = UVTimer(loop: loop)
        let key = ObjectIdentifier(timer)
        authTimers[key] = timer
        let transfer = multi.start(request) { [self] result in
            authTimers.removeValue(forKey: key)?.close()
            if case .success(let response) = result { connectionsNotCounted += response.newConnections }
            completion(result)
        }
        timer.schedule(after: milliseconds(authLimitSeconds)) { [self] in
            authTimers.removeValue(forKey: key)?.close()
            transfer.cancel()
            completion(.failure(HTTPTransferError(kind: .stalled, message: "\(request.url): no answer within \(authLimitSeconds.formatted()) s")))
        }
    }

    /// What an image parked under `ticket` waits for, in words.
    private static func describe(_ ticket: AuthSession.Ticket) -> String {
        switch ticket {
        case .ping(let registry): return "the ping of \(registry.apiHost) (GET /v2/)"
        case .credentials(let registry): return "the credential helper for \(registry.apiHost)"
        case .token(let key): return "a token for \(key.scope) from \(key.registry.apiHost)"
        }
    }

    /// A request to a registry or its token service, with `--insecure` and `--ca-cert` applied.
    private func httpRequest(_ method: HTTPRequest.Method, _ url: String, bodyLimit: Int) -> HTTPRequest {
        var request = HTTPRequest(method, url, bodyLimit: bodyLimit)
        request.insecure = options.insecure
        request.caCertificate = options.caCertificate
        return request
    }

    /// Asks again for every image parked under `ticket`.
    private func wake(_ ticket: AuthSession.Ticket) {
        for resume in parked.removeValue(forKey: ticket) ?? [] { resume() }
    }

    private func scheme(of registry: AuthRegistry) -> String {
        plainHTTP.contains(registry.apiHost) ? "http" : "https"
    }

    /// Makes the HTTP request for `request`, with `authorization`; a blob's bytes are hashed as
    /// they stream, never kept.
    private func transfer(_ request: RegistryRequest, to registry: AuthRegistry, authorization: Secret?, by requester: Requester,
                          completion: @escaping (Result<(HTTPResponse, RegistryAnswer.StreamedContent?), HTTPTransferError>) -> Void) {
        var http = httpRequest(request.method == .head ? .head : .get, "\(scheme(of: registry))://\(registry.apiHost)\(request.path)",
                               bodyLimit: request.bodyLimit ?? Int(clamping: (request.expectedSize ?? 0) + 1))
        if let accept = request.accept { http.headers.append(("Accept", accept)) }
        if let authorization { http.headers.append(("Authorization", authorization.revealed)) }
        var hasher: SHA256Hasher?
        if case .blobGet = request.kind {
            let streaming = SHA256Hasher()
            hasher = streaming
            http.bodySink = { bytes in
                streaming.update(bytes)
                return true
            }
        }
        var key: ObjectIdentifier?
        let transfer = multi.start(http) { result in
            if let key { requester.transfers[key] = nil }
            guard !requester.isClosed else { return }
            completion(result.map { response in
                guard let hasher, response.status == 200 else { return (response, nil) }
                return (response, RegistryAnswer.StreamedContent(digest: hasher.finalize(), byteCount: Int64(response.bytesReceived)))
            })
        }
        key = ObjectIdentifier(transfer)
        requester.transfers[key!] = transfer
    }
}
