import Testing
@testable import Verifier

struct AuthSessionTests {
    static let realm = "https://auth.example.com/token"
    static let bearer = #"Bearer realm="https://auth.example.com/token",service="Docker registry""#
    static let registry = AuthRegistry(domain: "registry.example.com")

    static func target(_ repository: String = "team/app") -> AuthTarget { AuthTarget(registry: registry, repository: repository) }

    static func session(_ json: String = "{}", settings: AuthSession.Settings = AuthSession.Settings()) throws -> AuthSession {
        let file = try AuthFile(path: "/home/me/.docker/config.json", flavor: .docker, bytes: Array(json.utf8))
        return AuthSession(credentials: CredentialFiles(files: [file], searched: [file.path]), settings: settings)
    }

    static func tokenBody(_ token: String, expiresIn: Int = 300) -> [UInt8] {
        Array(#"{"token":"\#(token)","expires_in":\#(expiresIn)}"#.utf8)
    }

    static let aliceAuth = #"{"auths":{"registry.example.com":{"auth":"\#(Base64.encode(Array("alice:PLANTED-pw".utf8)))"}}}"#

    /// Pings `registry` and answers with a Bearer challenge.
    static func pingBearer(_ session: inout AuthSession, now: Double = 0) {
        #expect(session.authorization(for: target(), now: now) == .ping(registry))
        session.pingAnswered(registry, status: 401, wwwAuthenticate: [bearer], now: now)
    }

    /// Gets a token for `target` (anonymous or with stored credentials), answered with `token`.
    @discardableResult
    static func fetch(_ session: inout AuthSession, _ target: AuthTarget = target(), token: String, expiresIn: Int = 300, now: Double) -> TokenRequest? {
        guard case .fetchToken(let request) = session.authorization(for: target, now: now) else {
            Issue.record("no token request")
            return nil
        }
        session.tokenAnswered(request, status: 200, body: tokenBody(token, expiresIn: expiresIn), now: now)
        return request
    }

    @Test func aRegistryWithoutAuthenticationIsPingedOnce() throws {
        var session = try Self.session()
        #expect(session.authorization(for: Self.target(), now: 0) == .ping(Self.registry))
        #expect(session.authorization(for: Self.target("other"), now: 0) == .wait(.ping(Self.registry)))
        session.pingAnswered(Self.registry, status: 200, wwwAuthenticate: [], now: 0)
        #expect(session.authorization(for: Self.target(), now: 0) == .ready(authorization: nil))
        #expect(session.authorization(for: Self.target("other"), now: 1) == .ready(authorization: nil))
    }

    @Test func basicSendsTheCredentialsOnEveryRequest() throws {
        var session = try Self.session(Self.aliceAuth)
        _ = session.authorization(for: Self.target(), now: 0)
        session.pingAnswered(Self.registry, status: 401, wwwAuthenticate: [#"Basic realm="basic-realm""#], now: 0)
        let expected = Secret("Basic " + Base64.encode(Array("alice:PLANTED-pw".utf8)))
        #expect(session.authorization(for: Self.target(), now: 0) == .ready(authorization: expected))
        #expect(session.authorization(for: Self.target("b"), now: 5) == .ready(authorization: expected))
    }

    @Test func basicWithoutCredentialsSaysWhereItLooked() throws {
        var session = try Self.session()
        _ = session.authorization(for: Self.target(), now: 0)
        session.pingAnswered(Self.registry, status: 401, wwwAuthenticate: [#"Basic realm="basic-realm""#], now: 0)
        let step = session.authorization(for: Self.target(), now: 0)
        #expect(step == .failed(.credentialsRequired(registry: "registry.example.com", searched: ["/home/me/.docker/config.json"])))
        guard case .failed(let failure) = step else { return }
        #expect(failure.category == .unauthorized)
        #expect(failure.description.contains("docker login registry.example.com"))
    }

    @Test func imagesInFlightShareOnePingAndOneTokenPerScope() throws {
        var session = try Self.session(Self.aliceAuth)
        let a = Self.target(), b = Self.target(), c = Self.target("other/app")
        #expect(session.authorization(for: a, now: 0) == .ping(Self.registry))
        let parked = session.authorization(for: b, now: 0)
        #expect(parked == .wait(.ping(Self.registry)))
        #expect(parked.ticket == AuthSession.Step.ping(Self.registry).ticket)
        session.pingAnswered(Self.registry, status: 401, wwwAuthenticate: [Self.bearer], now: 0)
        // Both parked images ask again: one fetches, the other waits for that fetch.
        guard case .fetchToken(let request) = session.authorization(for: a, now: 1) else {
            Issue.record("no token request")
            return
        }
        #expect(request.url == Self.realm + "?service=Docker%20registry&scope=repository%3Ateam%2Fapp%3Apull")
        #expect(request.headers.first?.value == Secret("Basic " + Base64.encode(Array("alice:PLANTED-pw".utf8))))
        #expect(session.authorization(for: b, now: 1) == .wait(.token(request.key)))
        #expect(session.authorization(for: b, now: 1).ticket == AuthSession.Step.fetchToken(request).ticket)
        // Another repository is another scope, another token.
        guard case .fetchToken(let other) = session.authorization(for: c, now: 1) else {
            Issue.record("no token request for the other scope")
            return
        }
        #expect(other.key.scope == "repository:other/app:pull")
        session.tokenAnswered(request, status: 200, body: Self.tokenBody("PLANTED-t1"), now: 2)
        #expect(session.authorization(for: a, now: 2) == .ready(authorization: Secret("Bearer PLANTED-t1")))
        #expect(session.authorization(for: b, now: 2) == .ready(authorization: Secret("Bearer PLANTED-t1")))
        #expect(session.authorization(for: c, now: 2) == .wait(.token(other.key)))
    }

    @Test func aTokenIsRenewedEarlyAndTheOldOneServesMeanwhile() throws {
        var session = try Self.session()
        Self.pingBearer(&session)
        let first = Self.fetch(&session, token: "PLANTED-t1", expiresIn: 300, now: 100)
        #expect(first?.headers.isEmpty == true)
        #expect(session.authorization(for: Self.target(), now: 369.9) == .ready(authorization: Secret("Bearer PLANTED-t1")))
        guard case .fetchToken(let renewal) = session.authorization(for: Self.target(), now: 370) else {
            Issue.record("no renewal at 90% of the lifetime")
            return
        }
        #expect(session.authorization(for: Self.target(), now: 371) == .ready(authorization: Secret("Bearer PLANTED-t1")))
        session.tokenAnswered(renewal, status: 200, body: Self.tokenBody("PLANTED-t2"), now: 372)
        #expect(session.authorization(for: Self.target(), now: 373) == .ready(authorization: Secret("Bearer PLANTED-t2")))
    }

    @Test func anExpiredTokenIsNotServedWhileTheNextIsFetched() throws {
        var session = try Self.session()
        Self.pingBearer(&session)
        Self.fetch(&session, token: "PLANTED-t1", expiresIn: 60, now: 0)
        guard case .fetchToken(let renewal) = session.authorization(for: Self.target(), now: 61) else {
            Issue.record("no fetch after expiry")
            return
        }
        #expect(session.authorization(for: Self.target(), now: 61) == .wait(.token(renewal.key)))
    }

    @Test func insufficientScopeGetsANewTokenOnceThenGivesUp() throws {
        var session = try Self.session()
        Self.pingBearer(&session)
        Self.fetch(&session, token: "PLANTED-t1", now: 0)
        let header = try AuthFixtures.headers("distribution-token-insufficient-scope.txt")
        var retries = AuthRetries()
        #expect(session.rejected(Self.target(), status: 401, wwwAuthenticate: header, sent: Secret("Bearer PLANTED-t1"), retries: &retries, now: 1) == .retry)
        #expect(retries.tokenRenewed)
        Self.fetch(&session, token: "PLANTED-t2", now: 2)
        let second = session.rejected(Self.target(), status: 401, wwwAuthenticate: header, sent: Secret("Bearer PLANTED-t2"), retries: &retries, now: 3)
        #expect(second == .giveUp(.unauthorized(target: "registry.example.com/team/app", detail: "insufficient_scope")))
    }

    @Test func invalidTokenIsRetriedOnce() throws {
        var session = try Self.session()
        Self.pingBearer(&session)
        Self.fetch(&session, token: "PLANTED-t1", now: 0)
        var retries = AuthRetries()
        let header = try AuthFixtures.headers("distribution-token-invalid-token.txt")
        #expect(session.rejected(Self.target(), status: 401, wwwAuthenticate: header, sent: Secret("Bearer PLANTED-t1"), retries: &retries, now: 1) == .retry)
        #expect(session.authorization(for: Self.target(), now: 1) != .ready(authorization: Secret("Bearer PLANTED-t1")))
    }

    @Test func aRefusalOfATokenAnotherImageReplacedIsRetriedWithoutDroppingTheNewOne() throws {
        var session = try Self.session()
        Self.pingBearer(&session)
        Self.fetch(&session, token: "PLANTED-t2", now: 0)
        var retries = AuthRetries()
        #expect(session.rejected(Self.target(), status: 401, wwwAuthenticate: [Self.bearer], sent: Secret("Bearer PLANTED-t1"), retries: &retries, now: 1) == .retry)
        #expect(session.authorization(for: Self.target(), now: 1) == .ready(authorization: Secret("Bearer PLANTED-t2")))
    }

    @Test func aPlain401WithStoredCredentialsGivesUp() throws {
        var session = try Self.session(Self.aliceAuth)
        Self.pingBearer(&session)
        Self.fetch(&session, token: "PLANTED-t1", now: 0)
        var retries = AuthRetries()
        #expect(session.rejected(Self.target(), status: 401, wwwAuthenticate: [Self.bearer], sent: Secret("Bearer PLANTED-t1"), retries: &retries, now: 1)
                == .giveUp(.unauthorized(target: "registry.example.com/team/app", detail: nil)))
        var other = AuthRetries()
        #expect(session.rejected(Self.target(), status: 403, wwwAuthenticate: [], sent: nil, retries: &other, now: 1) == .giveUp(.denied(target: "registry.example.com/team/app")))
    }

    static let ecr = AuthRegistry(domain: "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
    static let ecrConfig = #"{"credHelpers":{"123456789012.dkr.ecr.eu-west-1.amazonaws.com":"ecr-login"}}"#

    static func helperAnswer(_ password: String) -> CredentialHelperOutcome {
        .exited(status: 0, stdout: Array(#"{"ServerURL":"x","Username":"AWS","Secret":"\#(password)"}"#.utf8), stderr: [])
    }

    @Test func aMidRun401RunsTheHelperAgainOnceForAllImages() throws {
        var session = try Self.session(Self.ecrConfig)
        let target = AuthTarget(registry: Self.ecr, repository: "team/app")
        #expect(session.authorization(for: target, now: 0) == .ping(Self.ecr))
        session.pingAnswered(Self.ecr, status: 401, wwwAuthenticate: [#"Basic realm="ecr""#], now: 0)
        guard case .runHelper(let request) = session.authorization(for: target, now: 0) else {
            Issue.record("the helper was not asked")
            return
        }
        #expect(request.program == "docker-credential-ecr-login")
        #expect(session.authorization(for: target, now: 0) == .wait(.credentials(Self.ecr)))
        session.credentialsAnswered(request, Self.helperAnswer("PLANTED-day1"), now: 1)
        let day1 = RegistryCredential(.password(username: Secret("AWS"), password: Secret("PLANTED-day1")), source: "x").basicAuthorization
        #expect(session.authorization(for: target, now: 1) == .ready(authorization: day1))

        // Twelve hours later the registry refuses them: the helper runs again, once.
        let later: Double = 12 * 3600
        var first = AuthRetries(), second = AuthRetries()
        #expect(session.rejected(target, status: 401, wwwAuthenticate: [#"Basic realm="ecr""#], sent: day1, retries: &first, now: later) == .retry)
        #expect(first.credentialsRefreshed)
        guard case .runHelper(let again) = session.authorization(for: target, now: later) else {
            Issue.record("the helper was not run again")
            return
        }
        // Another image refused with the old credentials waits for the same run.
        #expect(session.rejected(target, status: 401, wwwAuthenticate: [#"Basic realm="ecr""#], sent: day1, retries: &second, now: later) == .retry)
        #expect(session.authorization(for: target, now: later) == .wait(.credentials(Self.ecr)))
        session.credentialsAnswered(again, Self.helperAnswer("PLANTED-day2"), now: later + 1)
        let day2 = RegistryCredential(.password(username: Secret("AWS"), password: Secret("PLANTED-day2")), source: "x").basicAuthorization
        #expect(session.authorization(for: target, now: later + 1) == .ready(authorization: day2))
        // Refused again: the image is unauthorized, and the helper is not run a third time.
        #expect(session.rejected(target, status: 401, wwwAuthenticate: [#"Basic realm="ecr""#], sent: day2, retries: &first, now: later + 2)
                == .giveUp(.unauthorized(target: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app", detail: nil)))
        var third = AuthRetries()
        #expect(session.rejected(target, status: 401, wwwAuthenticate: [#"Basic realm="ecr""#], sent: day2, retries: &third, now: later + 3)
                == .giveUp(.unauthorized(target: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app", detail: nil)))
    }

    @Test func aHelperWithNothingPassesToTheNextCandidate() throws {
        var session = try Self.session(#"{"credsStore":"pass","auths":{"registry.example.com":{"auth":"\#(Base64.encode(Array("alice:PLANTED-pw".utf8)))"}}}"#)
        _ = session.authorization(for: Self.target(), now: 0)
        session.pingAnswered(Self.registry, status: 401, wwwAuthenticate: [#"Basic realm="r""#], now: 0)
        guard case .runHelper(let request) = session.authorization(for: Self.target(), now: 0) else {
            Issue.record("the store was not asked")
            return
        }
        session.credentialsAnswered(request, .exited(status: 1, stdout: Array("credentials not found in native keychain\n".utf8), stderr: []), now: 0)
        #expect(session.authorization(for: Self.target(), now: 0) == .ready(authorization: Secret("Basic " + Base64.encode(Array("alice:PLANTED-pw".utf8)))))
    }

    @Test func aFailingHelperFailsTheImagesForAWhile() throws {
        var session = try Self.session(Self.ecrConfig)
        let target = AuthTarget(registry: Self.ecr, repository: "app")
        _ = session.authorization(for: target, now: 0)
        session.pingAnswered(Self.ecr, status: 401, wwwAuthenticate: [Self.bearer], now: 0)
        guard case .runHelper(let request) = session.authorization(for: target, now: 0) else { return }
        session.credentialsAnswered(request, .couldNotRun(reason: "not found on PATH"), now: 0)
        guard case .failed(let failure) = session.authorization(for: target, now: 5) else {
            Issue.record("no failure")
            return
        }
        #expect(failure.description.contains("docker-credential-ecr-login"))
        guard case .runHelper = session.authorization(for: target, now: 10) else {
            Issue.record("not tried again after the failure memory")
            return
        }
    }

    static let identityConfig = #"{"auths":{"registry.example.com":{"auth":"\#(Base64.encode(Array("carol:".utf8)))","identitytoken":"PLANTED-refresh"}}}"#

    @Test func anIdentityTokenUsesTheOAuthPostThenFallsBackToGet() throws {
        var session = try Self.session(Self.identityConfig)
        Self.pingBearer(&session)
        guard case .fetchToken(let post) = session.authorization(for: Self.target(), now: 0) else {
            Issue.record("no token request")
            return
        }
        #expect(post.method == .post)
        #expect(post.body?.revealed == "grant_type=refresh_token&refresh_token=PLANTED-refresh&service=Docker%20registry&scope=repository%3Ateam%2Fapp%3Apull&client_id=verify")
        session.tokenAnswered(post, status: 404, body: [], now: 0)
        guard case .fetchToken(let get) = session.authorization(for: Self.target(), now: 0) else {
            Issue.record("no GET after the 404")
            return
        }
        #expect(get.method == .get)
        #expect(get.headers.first?.value == Secret("Basic " + Base64.encode(Array("carol:PLANTED-refresh".utf8))))
        session.tokenAnswered(get, status: 200, body: Self.tokenBody("PLANTED-t1"), now: 0)
        #expect(session.authorization(for: Self.target(), now: 0) == .ready(authorization: Secret("Bearer PLANTED-t1")))
        // The registry is known to take GETs only.
        guard case .fetchToken(let next) = session.authorization(for: Self.target("other"), now: 0) else { return }
        #expect(next.method == .get)
    }

    @Test func theOAuthPostAnswerIsUsedWhenItWorks() throws {
        var session = try Self.session(Self.identityConfig)
        Self.pingBearer(&session)
        guard case .fetchToken(let post) = session.authorization(for: Self.target(), now: 0) else { return }
        session.tokenAnswered(post, status: 200, body: try AuthFixtures.bytes("token-response/access-token-only.json"), now: 0)
        #expect(session.authorization(for: Self.target(), now: 0) == .ready(authorization: Secret("Bearer PLANTED-oauth-token")))
        #expect(session.authorization(for: Self.target(), now: 3239) == .ready(authorization: Secret("Bearer PLANTED-oauth-token")))
    }

    @Test func aRefusingTokenServiceFailsTheImages() throws {
        var session = try Self.session(Self.aliceAuth)
        Self.pingBearer(&session)
        guard case .fetchToken(let request) = session.authorization(for: Self.target(), now: 0) else { return }
        #expect(session.authorization(for: Self.target(), now: 0) == .wait(.token(request.key)))
        session.tokenAnswered(request, status: 401, body: Array("PLANTED".utf8), now: 0)
        let expected = AuthFailure.tokenStatus(realm: Self.realm, status: 401, withCredentials: true)
        #expect(session.authorization(for: Self.target(), now: 1) == .failed(expected))
        #expect(expected.category == .unauthorized)
        #expect(expected.description.contains("log in again"))
    }

    @Test func aPingAnsweredWithNoHTTPIsNoNetworkFailure() throws {
        var session = try Self.session()
        _ = session.authorization(for: Self.target(), now: 0)
        session.pingFailed(Self.registry, reason: "Received HTTP/0.9 when not allowed", unusableAnswer: true, now: 0)
        let failure = AuthFailure.pingUnreadable(registry: "registry.example.com", reason: "Received HTTP/0.9 when not allowed")
        #expect(session.authorization(for: Self.target(), now: 1) == .failed(failure))
        #expect(failure.category == .other, "not retried as a network failure")
        #expect(AuthFailure.pingFailed(registry: "r", reason: "Connection refused").category == .network)
        #expect(AuthFailure.tokenUnreadable(realm: "https://auth.example.com/token", reason: "Out of memory").category == .other)
        #expect(AuthFailure.tokenFetchFailed(realm: "https://auth.example.com/token", reason: "Connection refused").category == .network)
    }

    @Test func aPingWithoutAnswerIsRememberedForAWhile() throws {
        var session = try Self.session()
        _ = session.authorization(for: Self.target(), now: 0)
        session.pingFailed(Self.registry, reason: "Connection refused", unusableAnswer: false, now: 0)
        #expect(session.authorization(for: Self.target(), now: 9) == .failed(.pingFailed(registry: "registry.example.com", reason: "Connection refused")))
        #expect(session.authorization(for: Self.target(), now: 10) == .ping(Self.registry))
        session.pingAnswered(Self.registry, status: 404, wwwAuthenticate: [], now: 10)
        #expect(session.authorization(for: Self.target(), now: 11) == .failed(.pingStatus(registry: "registry.example.com", status: 404)))
    }

    @Test func aChallengeAppearingLaterIsFollowedOnce() throws {
        var session = try Self.session()
        _ = session.authorization(for: Self.target(), now: 0)
        session.pingAnswered(Self.registry, status: 200, wwwAuthenticate: [], now: 0)
        var retries = AuthRetries()
        #expect(session.rejected(Self.target(), status: 401, wwwAuthenticate: [Self.bearer], sent: nil, retries: &retries, now: 1) == .retry)
        guard case .fetchToken = session.authorization(for: Self.target(), now: 1) else {
            Issue.record("the new challenge was not followed")
            return
        }
    }

    @Test func aStaleAnswerIsIgnored() throws {
        var session = try Self.session()
        Self.pingBearer(&session)
        guard case .fetchToken(let request) = session.authorization(for: Self.target(), now: 0) else { return }
        session.tokenAnswered(request, status: 200, body: Self.tokenBody("PLANTED-t1"), now: 0)
        session.tokenAnswered(request, status: 500, body: [], now: 1)
        #expect(session.authorization(for: Self.target(), now: 1) == .ready(authorization: Secret("Bearer PLANTED-t1")))
    }
}
