import Testing
@testable import Verifier

struct TokenTests {
    static let key = TokenKey(registry: AuthRegistry(domain: "registry.example.com"), scope: "repository:team/app:pull")

    @Test func dockerHubsAnswer() throws {
        let response = try TokenResponse.parse(try AuthFixtures.bytes("token-response/docker-hub.json"))
        #expect(response.token.revealed == "PLANTED-hub-token")
        #expect(response.expiresIn == 300)
        #expect(response.issuedAt.map { ($0 - 1_572_537_144.857).magnitude < 0.001 } == true)
    }

    @Test func accessTokenWhenThereIsNoToken() throws {
        let response = try TokenResponse.parse(try AuthFixtures.bytes("token-response/access-token-only.json"))
        #expect(response.token.revealed == "PLANTED-oauth-token")
        #expect(response.expiresIn == 3600)
        #expect(response.issuedAt == nil)
    }

    @Test func aMissingOrShortLifetimeIsSixtySeconds() throws {
        #expect(try TokenResponse.parse(try AuthFixtures.bytes("token-response/token-only.json")).expiresIn == 60)
        #expect(try TokenResponse.parse(Array(#"{"token":"t","expires_in":10}"#.utf8)).expiresIn == 60)
    }

    @Test func anAnswerWithoutATokenIsAnError() throws {
        #expect(throws: TokenResponseError("the answer has neither \"token\" nor \"access_token\"")) {
            try TokenResponse.parse(try AuthFixtures.bytes("token-response/empty.json"))
        }
        #expect(throws: TokenResponseError("the answer is not a JSON object of token, expires_in and issued_at")) {
            try TokenResponse.parse(Array("<html>PLANTED</html>".utf8))
        }
    }

    @Test func renewalStartsTenPercentOrFiveSecondsEarly() {
        let hub = CachedToken(TokenResponse(token: Secret("t"), expiresIn: 300, issuedAt: nil), receivedAt: 1000)
        #expect(hub.expiresAt == 1300)
        #expect(hub.renewAt == 1270)
        let short = CachedToken(TokenResponse(token: Secret("t"), expiresIn: 30, issuedAt: nil), receivedAt: 1000)
        #expect(short.renewAt == 1025)
        #expect(!short.needsRenewal(at: 1024.9))
        #expect(short.needsRenewal(at: 1025))
        #expect(short.isUsable(at: 1029.9))
        #expect(!short.isUsable(at: 1030))
    }

    @Test func issuedAtCountsOnlyWhenPlausible() {
        let issuedEarlier = CachedToken(TokenResponse(token: Secret("t"), expiresIn: 300, issuedAt: 990), receivedAt: 1000)
        #expect(issuedEarlier.expiresAt == 1290)
        let inTheFuture = CachedToken(TokenResponse(token: Secret("t"), expiresIn: 300, issuedAt: 5000), receivedAt: 1000)
        #expect(inTheFuture.expiresAt == 1300)
        let longAgo = CachedToken(TokenResponse(token: Secret("t"), expiresIn: 300, issuedAt: 10), receivedAt: 1000)
        #expect(longAgo.expiresAt == 1300)
    }

    @Test func theGetCarriesServiceAndScopePercentEncoded() {
        let credential = RegistryCredential(.password(username: Secret("alice"), password: Secret("p@ss:w rd")), source: "test")
        let request = TokenRequest.get(realm: "https://auth.example.com/token", service: "Docker registry",
                                       scopes: ["repository:team/app:pull"], credential: credential, key: Self.key)
        #expect(request.method == .get)
        #expect(request.url == "https://auth.example.com/token?service=Docker%20registry&scope=repository%3Ateam%2Fapp%3Apull")
        #expect(request.headers == [TokenRequest.Header(name: "Authorization", value: Secret("Basic " + Base64.encode(Array("alice:p@ss:w rd".utf8))))])
        #expect(request.body == nil)
        let anonymous = TokenRequest.get(realm: "https://h.example/service/token?tenant=a&b", service: nil, scopes: ["repository:x:pull"], credential: nil, key: Self.key)
        #expect(anonymous.url == "https://h.example/service/token?tenant=a&b&scope=repository%3Ax%3Apull")
        #expect(anonymous.headers.isEmpty)
        #expect(!anonymous.carriesCredentials)
    }

    @Test func theOAuthPostCarriesTheRefreshTokenInItsForm() {
        let request = TokenRequest.refresh(realm: "https://auth.example.com/token", service: "registry.example.com",
                                           scopes: ["repository:team/app:pull"], refreshToken: Secret("r+t/=&x"), clientID: "verify", key: Self.key)
        #expect(request.method == .post)
        #expect(request.url == "https://auth.example.com/token")
        #expect(request.headers == [TokenRequest.Header(name: "Content-Type", value: Secret("application/x-www-form-urlencoded"))])
        #expect(request.body?.revealed
                == "grant_type=refresh_token&refresh_token=r%2Bt%2F%3D%26x&service=registry.example.com&scope=repository%3Ateam%2Fapp%3Apull&client_id=verify")
        #expect(request.carriesCredentials)
    }

    @Test func dockerHubsRepositoriesGetLibrary() throws {
        #expect(AuthTarget(reference: try ImageReference(parsing: "nginx:1.25")).pullScope == "repository:library/nginx:pull")
        #expect(AuthTarget(reference: try ImageReference(parsing: "docker.io/team/app")).repository == "team/app")
        let own = AuthTarget(reference: try ImageReference(parsing: "Registry.Example.com:5000/app:v1"))
        #expect(own.registry.apiHost == "registry.example.com:5000")
        #expect(own.pullScope == "repository:app:pull")
    }
}
