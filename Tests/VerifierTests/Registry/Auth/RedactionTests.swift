import Testing
@testable import Verifier

/// No secret-holding value or error shows its secret, however it is printed.
struct RedactionTests {
    static let planted = "PLANTED-zq9"

    /// Every way a value ends up in a log line.
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return ["\(value)", String(describing: value), String(reflecting: value), dumped, "\([value])", "\(Optional(value) as Any)"]
    }

    static func expectRedacted(_ value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in renderings(value) {
            #expect(!text.contains(planted), "\(type(of: value)) shows its secret: \(text)", sourceLocation: sourceLocation)
            #expect(!text.contains(Base64.encode(Array("user:\(planted)".utf8))), sourceLocation: sourceLocation)
        }
    }

    static let password = RegistryCredential(.password(username: Secret("user"), password: Secret(planted)), source: "/home/me/.docker/config.json")
    static let identity = RegistryCredential(.identityToken(username: Secret("user"), token: Secret(planted)), source: "docker-credential-desktop")
    static let key = TokenKey(registry: AuthRegistry(domain: "r.example.com"), scope: "repository:a:pull")

    @Test func theCheckSeesALeak() {
        struct Leaky { let password = RedactionTests.planted }
        #expect(Self.renderings(Leaky()).allSatisfy { $0.contains(Self.planted) })
        #expect(Self.renderings(["k": (1, Self.planted)]).allSatisfy { $0.contains(Self.planted) })
    }

    @Test func secretsAndCredentials() {
        Self.expectRedacted(Secret(Self.planted))
        Self.expectRedacted(Self.password)
        Self.expectRedacted(Self.identity)
        Self.expectRedacted(Self.password.kind)
        Self.expectRedacted(Self.password.basicAuthorization)
        Self.expectRedacted(CredentialCandidate.stored(Self.identity))
        Self.expectRedacted(CredentialHelperOutcome.Meaning.found(Self.password))
    }

    @Test func tokenRequestsResponsesAndCachedTokens() {
        Self.expectRedacted(TokenRequest.get(realm: "https://a.example/t", service: "s", scopes: ["repository:a:pull"], credential: Self.password, key: Self.key))
        let post = TokenRequest.refresh(realm: "https://a.example/t", service: "s", scopes: [], refreshToken: Secret(Self.planted), clientID: "verify", key: Self.key)
        Self.expectRedacted(post)
        Self.expectRedacted(post.headers)
        Self.expectRedacted(post.body as Any)
        let response = TokenResponse(token: Secret(Self.planted), expiresIn: 60, issuedAt: nil)
        Self.expectRedacted(response)
        Self.expectRedacted(CachedToken(response, receivedAt: 0))
        Self.expectRedacted(AuthSession.Step.ready(authorization: Secret("Bearer " + Self.planted)))
        Self.expectRedacted(AuthSession.Step.fetchToken(post))
    }

    @Test func aSessionHoldingSecretsShowsNone() throws {
        let json = #"{"auths":{"r.example.com":{"auth":"\#(Base64.encode(Array("user:\(Self.planted)".utf8)))"}}}"#
        let file = try AuthFile(path: "f", flavor: .docker, bytes: Array(json.utf8))
        var session = AuthSession(credentials: CredentialFiles(files: [file], searched: ["f"]))
        let target = AuthTarget(registry: AuthRegistry(domain: "r.example.com"), repository: "a")
        _ = session.authorization(for: target, now: 0)
        session.pingAnswered(target.registry, status: 401, wwwAuthenticate: [#"Bearer realm="https://a.example/t""#], now: 0)
        guard case .fetchToken(let request) = session.authorization(for: target, now: 0) else { return }
        session.tokenAnswered(request, status: 200, body: Array(#"{"token":"\#(Self.planted)"}"#.utf8), now: 0)
        Self.expectRedacted(file)
        Self.expectRedacted(session)
    }

    @Test func errorsNeverCarrySecrets() throws {
        let failures: [AuthFailure] = [
            CredentialHelperOutcome.exited(status: 0, stdout: Array(#"{"Username": "u", "Secret": 5, "x": "\#(Self.planted)"}"#.utf8), stderr: [])
                .meaning(for: CredentialHelperRequest(helperName: "h", registry: Self.key.registry, configuredIn: "f")).failure!,
            .tokenStatus(realm: "https://a.example/t", status: 401, withCredentials: true),
            .unauthorized(target: "r.example.com/a", detail: "insufficient_scope"),
        ]
        for failure in failures { Self.expectRedacted(failure) }
        do {
            _ = try TokenResponse.parse(Array(#"{"tokn":"\#(Self.planted)"}"#.utf8))
        } catch {
            Self.expectRedacted(error)
        }
        for json in [#"{"auths":{"r":{"auth":"\#(Self.planted)"}}}"#, #"{"auths":{"r":{"auth":["\#(Self.planted)"]}}}"#,
                     #"{"auths":{"r":{"auth":"\#(Self.planted)"#, #"{"credsStore":"\#(Self.planted)/x"}"#] {
            do {
                _ = try AuthFile(path: "f", flavor: .docker, bytes: Array(json.utf8))
                Issue.record("accepted \(json)")
            } catch {
                Self.expectRedacted(error)
            }
        }
    }
}

extension CredentialHelperOutcome.Meaning {
    var failure: AuthFailure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }
}
