/// The authentication of one worker's registry requests, as a state machine that does no I/O:
/// it says what request to make next, the driver makes it on its event loop and hands the answer
/// back. Requests go out as values, answers come in as values; the clock (seconds since 1970, the
/// wall clock because token services date their tokens with it) comes in with each call.
///
/// How the driver gets the `Authorization` header for an image's request:
///
/// 1. Call ``authorization(for:now:)`` with the image's ``AuthTarget``.
/// 2. Act on the ``Step``:
///    - ``Step/ready(authorization:)``: send the request, with `Authorization: <value>` when there
///      is one.
///    - ``Step/ping(_:)``: `GET <scheme>://<apiHost>/v2/`, then ``pingAnswered(_:status:wwwAuthenticate:now:)``
///      (or ``pingFailed(_:reason:unusableAnswer:now:)`` when it got no answer it could use).
///    - ``Step/runHelper(_:)``: run the credential helper, then ``credentialsAnswered(_:_:now:)``.
///    - ``Step/fetchToken(_:)``: make the token request, then ``tokenAnswered(_:status:body:now:)``
///      (or ``tokenFailed(_:reason:unusableAnswer:now:)``).
///    - ``Step/wait(_:)``: another image is already doing what is needed; park this one.
///    - ``Step/failed(_:)``: the image cannot be authenticated: record the failure.
///
///    Every step but `ready` and `failed` has a ``Step/ticket``: park the image under it, and
///    when the answer for that ticket has been fed in, call ``authorization(for:now:)`` again for
///    every image parked under it (the one that made the request included). So however many
///    images are in flight, a registry is pinged once, a helper run once, and a token fetched
///    once per scope at a time.
/// 3. When the registry answers the request with 401 or 403, call
///    ``rejected(_:status:wwwAuthenticate:sent:retries:now:)``: on ``Rejection/retry`` start
///    again at 1; on ``Rejection/giveUp(_:)`` the image is unauthorized (or denied).
///
/// What happens on a 401, once each per image (``AuthRetries``): a fresh token after
/// `error="insufficient_scope"`, `error="invalid_token"`, a token due for renewal, or a
/// challenge that changed; then, when the credentials came from a helper, a new run of the
/// helper (ECR's credentials last 12 hours), unless another image's refusal already caused one.
///
/// Failures (a ping with no answer, a token service that refused) are remembered for
/// ``Settings/failureMemory`` seconds, so that the images waiting on them fail with them rather
/// than each trying again; after that, the next image tries again.
struct AuthSession: Sendable {
    /// What the driver does next for an image.
    enum Step: Sendable, Equatable {
        /// Send the request, with this `Authorization` value, or none.
        case ready(authorization: Secret?)
        /// Ping the registry: `GET /v2/` on its ``AuthRegistry/apiHost``.
        case ping(AuthRegistry)
        /// Run this credential helper.
        case runHelper(CredentialHelperRequest)
        /// Make this token request.
        case fetchToken(TokenRequest)
        /// Wait until the answer for this ticket has been fed in, then ask again.
        case wait(Ticket)
        /// Give up on the image.
        case failed(AuthFailure)

        /// What to park the image under until the answer comes, for every step but `ready` and
        /// `failed`.
        var ticket: Ticket? {
            switch self {
            case .ready, .failed: return nil
            case .ping(let registry): return .ping(registry)
            case .runHelper(let request): return .credentials(request.registry)
            case .fetchToken(let request): return .token(request.key)
            case .wait(let ticket): return ticket
            }
        }
    }

    /// One piece of work in flight, which images wait for.
    enum Ticket: Sendable, Hashable {
        case ping(AuthRegistry)
        case credentials(AuthRegistry)
        case token(TokenKey)
    }

    /// What to do after the registry refused a request.
    enum Rejection: Sendable, Equatable {
        /// Ask for the authorization again and resend the request.
        case retry
        /// The image is unauthorized (or denied).
        case giveUp(AuthFailure)
    }

    /// The tunables, with the values verify uses.
    struct Settings: Sendable {
        /// `client_id` of the OAuth2 POST.
        var clientID = "verify"
        /// How long a failure is given to whoever asks, in seconds, before the next try.
        var failureMemory: Double = 10
        /// Credentials a helper gave less than this many seconds ago are not asked for again:
        /// a refusal of those is not their expiry.
        var helperRerunSpacing: Double = 30

        init() {}
    }

    private let files: CredentialFiles
    private let settings: Settings
    private var challenges: [AuthRegistry: ChallengeState] = [:]
    private var credentials: [AuthRegistry: CredentialState] = [:]
    private var tokens: [TokenKey: TokenState] = [:]
    /// Registries whose token service answered the OAuth2 POST with 404 or 405.
    private var postUnsupported: Set<AuthRegistry> = []

    init(credentials files: CredentialFiles, settings: Settings = Settings()) {
        self.files = files
        self.settings = settings
    }

    // MARK: Asking

    /// The next step towards the `Authorization` header for a request on `target`.
    mutating func authorization(for target: AuthTarget, now: Double) -> Step {
        let registry = target.registry
        switch challenges[registry] {
        case nil:
            challenges[registry] = .pinging
            return .ping(registry)
        case .pinging:
            return .wait(.ping(registry))
        case .failed(let failure, let until):
            if now < until { return .failed(failure) }
            challenges[registry] = .pinging
            return .ping(registry)
        case .known(.none):
            return .ready(authorization: nil)
        case .known(.basic):
            switch credential(for: registry, now: now) {
            case .step(let step): return step
            case .resolved(let credential?): return .ready(authorization: credential.basicAuthorization)
            case .resolved(nil): return .failed(.credentialsRequired(registry: registry.apiHost, searched: files.searched))
            }
        case .known(.bearer(let realm, let service)):
            let credential: RegistryCredential?
            switch self.credential(for: registry, now: now) {
            case .step(let step): return step
            case .resolved(let found): credential = found
            }
            let key = TokenKey(registry: registry, scope: target.pullScope)
            switch tokens[key] {
            case .valid(let token) where !token.needsRenewal(at: now):
                return .ready(authorization: token.authorization)
            case .fetching(_, let previous?) where previous.isUsable(at: now):
                return .ready(authorization: previous.authorization)
            case .fetching:
                return .wait(.token(key))
            case .failed(let failure, let until) where now < until:
                return .failed(failure)
            case .valid(let token):
                return startFetch(realm: realm, service: service, key: key, credential: credential, keeping: token.isUsable(at: now) ? token : nil)
            case .failed, nil:
                return startFetch(realm: realm, service: service, key: key, credential: credential, keeping: nil)
            }
        }
    }

    // MARK: Answers

    /// The ping of `registry` was answered with `status` and these `WWW-Authenticate` values.
    mutating func pingAnswered(_ registry: AuthRegistry, status: Int, wwwAuthenticate: [String], now: Double) {
        switch status {
        case 200..<300:
            challenges[registry] = .known(.none)
        case 401:
            do throws(AuthFailure) {
                challenges[registry] = .known(try RegistryChallenge.choose(from: WWWAuthenticate.parse(wwwAuthenticate), registry: registry))
            } catch {
                challenges[registry] = .failed(error, until: now + settings.failureMemory)
            }
        default:
            challenges[registry] = .failed(.pingStatus(registry: registry.apiHost, status: status), until: now + settings.failureMemory)
        }
    }

    /// The ping of `registry` got no answer it could use: `reason` says why; `unusableAnswer`
    /// whether the server answered with something that is no HTTP response, rather than the
    /// network failing (connection refused, TLS, timeout).
    mutating func pingFailed(_ registry: AuthRegistry, reason: String, unusableAnswer: Bool, now: Double) {
        let failure: AuthFailure = unusableAnswer ? .pingUnreadable(registry: registry.apiHost, reason: reason)
            : .pingFailed(registry: registry.apiHost, reason: reason)
        challenges[registry] = .failed(failure, until: now + settings.failureMemory)
    }

    /// The credential helper of `request` ended with `outcome`. An answer to a request that is
    /// no longer awaited is ignored.
    mutating func credentialsAnswered(_ request: CredentialHelperRequest, _ outcome: CredentialHelperOutcome, now: Double) {
        guard case .asking(let asked, let rest) = credentials[request.registry], asked == request else { return }
        switch outcome.meaning(for: request) {
        case .found(let credential):
            credentials[request.registry] = .known(credential, obtainedAt: now, fromHelper: true)
        case .notFound:
            credentials[request.registry] = .walking(rest)
        case .failed(let failure):
            credentials[request.registry] = .failed(failure, until: now + settings.failureMemory)
        }
    }

    /// The token service answered `request` with `status` and `body`. An answer to a request
    /// that is no longer awaited is ignored.
    ///
    /// A 404 or 405 to the OAuth2 POST means the service has only the GET (GCR, some Artifactory
    /// versions, as docker found): the registry gets GETs from then on. A 401 or 403 to a
    /// request with a helper's credentials runs the helper again, unless it ran within
    /// ``Settings/helperRerunSpacing``.
    mutating func tokenAnswered(_ request: TokenRequest, status: Int, body: [UInt8], now: Double) {
        let key = request.key
        guard case .fetching(let asked, let previous) = tokens[key], asked == request else { return }
        switch status {
        case 200..<300:
            do throws(TokenResponseError) {
                tokens[key] = .valid(CachedToken(try TokenResponse.parse(body), receivedAt: now))
            } catch {
                tokens[key] = .failed(.tokenResponseMalformed(realm: request.realm, reason: error.description), until: now + settings.failureMemory)
            }
        case 404 where request.method == .post, 405 where request.method == .post:
            postUnsupported.insert(key.registry)
            tokens[key] = previous.map { .valid($0) }
        case 401 where request.carriesCredentials && refreshHelperCredentials(of: key.registry, now: now),
             403 where request.carriesCredentials && refreshHelperCredentials(of: key.registry, now: now):
            tokens[key] = nil
        default:
            tokens[key] = .failed(.tokenStatus(realm: request.realm, status: status, withCredentials: request.carriesCredentials),
                                  until: now + settings.failureMemory)
        }
    }

    /// The token request got no answer it could use: `reason` says why; `unusableAnswer` whether
    /// the service answered with something that is no HTTP response, rather than the network failing.
    mutating func tokenFailed(_ request: TokenRequest, reason: String, unusableAnswer: Bool, now: Double) {
        guard case .fetching(let asked, _) = tokens[request.key], asked == request else { return }
        let failure: AuthFailure = unusableAnswer ? .tokenUnreadable(realm: request.realm, reason: reason)
            : .tokenFetchFailed(realm: request.realm, reason: reason)
        tokens[request.key] = .failed(failure, until: now + settings.failureMemory)
    }

    // MARK: Refusals

    /// The registry answered a request on `target` with `status` (401 or 403) and these
    /// `WWW-Authenticate` values; `sent` is the `Authorization` value the request carried.
    /// `retries` is the image's own record of what was tried.
    mutating func rejected(_ target: AuthTarget, status: Int, wwwAuthenticate: [String], sent: Secret?,
                           retries: inout AuthRetries, now: Double) -> Rejection {
        let registry = target.registry
        let parsed = WWWAuthenticate.parse(wwwAuthenticate)
        let bearerError = parsed.first { $0.scheme == "bearer" }?.error
        let detail = parsed.first { $0.scheme == "bearer" }.flatMap { $0.parameters["error_description"] ?? $0.error }
        guard status == 401 else {
            return .giveUp(status == 403 ? .denied(target: target.description) : .unauthorized(target: target.description, detail: "HTTP \(status)"))
        }
        guard case .known(let known) = challenges[registry] else { return .giveUp(.unauthorized(target: target.description, detail: detail)) }

        if !retries.tokenRenewed {
            if let offered = try? RegistryChallenge.choose(from: parsed, registry: registry), offered != known {
                retries.tokenRenewed = true
                challenges[registry] = .known(offered)
                forgetTokens(of: registry)
                return .retry
            }
            if case .bearer = known {
                let key = TokenKey(registry: registry, scope: target.pullScope)
                let current: CachedToken? = if case .valid(let token) = tokens[key] { token } else { nil }
                let sentIsCurrent = current != nil && current?.authorization == sent
                let due = current?.needsRenewal(at: now) ?? false
                if !sentIsCurrent || due || bearerError == "insufficient_scope" || bearerError == "invalid_token" {
                    retries.tokenRenewed = true
                    if sentIsCurrent { tokens[key] = nil }
                    return .retry
                }
            }
        }

        if !retries.credentialsRefreshed, credentialsBeingLookedUpAgain(registry) {
            // Another image's refusal already dropped them: wait for the new ones.
            retries.credentialsRefreshed = true
            return .retry
        }
        if !retries.credentialsRefreshed, case .known(let credential?, _, true) = credentials[registry] {
            let sentIsCurrent: Bool
            switch known {
            case .basic: sentIsCurrent = sent == credential.basicAuthorization
            case .bearer: sentIsCurrent = tokensSent(sent, registry: registry)
            case .none: sentIsCurrent = true
            }
            if !sentIsCurrent {
                retries.credentialsRefreshed = true
                return .retry
            }
            if refreshHelperCredentials(of: registry, now: now) {
                retries.credentialsRefreshed = true
                return .retry
            }
        }
        return .giveUp(.unauthorized(target: target.description, detail: detail))
    }

    // MARK: Internals

    private enum ChallengeState: Sendable {
        case pinging
        case known(RegistryChallenge)
        case failed(AuthFailure, until: Double)
    }

    private enum CredentialState: Sendable {
        /// The candidates still to try, best first; the next image to ask tries them.
        case walking(ArraySlice<CredentialCandidate>)
        /// A helper is running; then `rest`.
        case asking(CredentialHelperRequest, rest: ArraySlice<CredentialCandidate>)
        /// The credentials (`nil`: anonymous).
        case known(RegistryCredential?, obtainedAt: Double, fromHelper: Bool)
        case failed(AuthFailure, until: Double)
    }

    private enum TokenState: Sendable {
        /// `request` is out; `previous` is the token it replaces, while that still works.
        case fetching(TokenRequest, previous: CachedToken?)
        case valid(CachedToken)
        case failed(AuthFailure, until: Double)
    }

    private enum Resolution {
        case resolved(RegistryCredential?)
        case step(Step)
    }

    /// The credentials for `registry`, or the step that finds them.
    private mutating func credential(for registry: AuthRegistry, now: Double) -> Resolution {
        var state = credentials[registry] ?? .walking(files.candidates(for: registry)[...])
        if case .failed(let failure, let until) = state {
            if now < until { return .step(.failed(failure)) }
            state = .walking(files.candidates(for: registry)[...])
        }
        switch state {
        case .walking(var rest):
            while let next = rest.popFirst() {
                switch next {
                case .stored(let credential):
                    credentials[registry] = .known(credential, obtainedAt: now, fromHelper: false)
                    return .resolved(credential)
                case .helper(let request):
                    credentials[registry] = .asking(request, rest: rest)
                    return .step(.runHelper(request))
                }
            }
            credentials[registry] = .known(nil, obtainedAt: now, fromHelper: false)
            return .resolved(nil)
        case .asking:
            return .step(.wait(.credentials(registry)))
        case .known(let credential, _, _):
            return .resolved(credential)
        case .failed(let failure, _):
            return .step(.failed(failure))
        }
    }

    /// Puts out a token request for `key`, keeping `previous` for others while it works.
    private mutating func startFetch(realm: String, service: String?, key: TokenKey, credential: RegistryCredential?,
                                     keeping previous: CachedToken?) -> Step {
        let request: TokenRequest
        if let credential, case .identityToken(_, let token) = credential.kind, !postUnsupported.contains(key.registry) {
            request = .refresh(realm: realm, service: service, scopes: [key.scope], refreshToken: token, clientID: settings.clientID, key: key)
        } else {
            request = .get(realm: realm, service: service, scopes: [key.scope], credential: credential, key: key)
        }
        tokens[key] = .fetching(request, previous: previous)
        return .fetchToken(request)
    }

    /// Drops a helper's credentials for `registry`, so the next image runs the helper again,
    /// unless they are younger than ``Settings/helperRerunSpacing``; whether it did.
    private mutating func refreshHelperCredentials(of registry: AuthRegistry, now: Double) -> Bool {
        guard case .known(_, let obtainedAt, true) = credentials[registry], now - obtainedAt >= settings.helperRerunSpacing else { return false }
        credentials[registry] = nil
        forgetTokens(of: registry)
        return true
    }

    /// Whether the credentials for `registry` were dropped and are being looked up again.
    private func credentialsBeingLookedUpAgain(_ registry: AuthRegistry) -> Bool {
        switch credentials[registry] {
        case nil, .walking, .asking: return true
        case .known, .failed: return false
        }
    }

    /// Whether `sent` is a token the cache still holds for `registry`.
    private func tokensSent(_ sent: Secret?, registry: AuthRegistry) -> Bool {
        tokens.contains { key, state in
            guard key.registry == registry, case .valid(let token) = state else { return false }
            return token.authorization == sent
        }
    }

    private mutating func forgetTokens(of registry: AuthRegistry) {
        for key in tokens.keys where key.registry == registry {
            if case .fetching = tokens[key] { continue }
            tokens[key] = nil
        }
    }
}
