import Testing
@testable import Verifier

struct WWWAuthenticateTests {
    @Test func distributionsHtpasswdChallengeIsBasicWithItsRealm() throws {
        let challenges = WWWAuthenticate.parse(try AuthFixtures.headers("distribution-htpasswd.txt"))
        #expect(challenges == [AuthChallenge(scheme: "Basic", parameters: ["realm": "basic-realm"])])
    }

    @Test func aQuotedRealmKeepsItsCommaAndEscapedQuotes() throws {
        let challenges = WWWAuthenticate.parse(try AuthFixtures.headers("distribution-htpasswd-quoted-realm.txt"))
        #expect(challenges == [AuthChallenge(scheme: "basic", parameters: ["realm": "ACME, Inc. \"registry\""])])
    }

    @Test func distributionsTokenChallengesCarryRealmServiceScopeAndError() throws {
        let ping = WWWAuthenticate.parse(try AuthFixtures.headers("distribution-token-ping.txt"))
        #expect(ping == [AuthChallenge(scheme: "bearer", parameters: ["realm": "https://auth.example.com/token", "service": "Docker registry"])])
        let manifest = try #require(WWWAuthenticate.parse(try AuthFixtures.headers("distribution-token-manifest.txt")).first)
        #expect(manifest.scope == "repository:team/app:pull")
        #expect(manifest.error == nil)
        let invalid = try #require(WWWAuthenticate.parse(try AuthFixtures.headers("distribution-token-invalid-token.txt")).first)
        #expect(invalid.error == "invalid_token")
        let insufficient = try #require(WWWAuthenticate.parse(try AuthFixtures.headers("distribution-token-insufficient-scope.txt")).first)
        #expect(insufficient.error == "insufficient_scope")
        #expect(insufficient.service == "Docker registry")
    }

    @Test func dockerHubsScopeWithACommaStaysOneParameter() throws {
        let hub = WWWAuthenticate.parse(try AuthFixtures.headers("docker-hub-pull-push.txt"))
        #expect(hub == [AuthChallenge(scheme: "bearer", parameters: [
            "realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:samalba/my-app:pull,push",
        ])])
        let manifest = try #require(WWWAuthenticate.parse(try AuthFixtures.headers("docker-hub-manifest.txt")).first)
        #expect(manifest.scope == "repository:library/nginx:pull")
    }

    @Test func harborAndOracleChallenges() throws {
        let harbor = try #require(WWWAuthenticate.parse(try AuthFixtures.headers("harbor-ping.txt")).first)
        #expect(harbor.realm == "https://demo.goharbor.io/service/token")
        #expect(harbor.service == "harbor-registry")
        #expect(WWWAuthenticate.parse(try AuthFixtures.headers("harbor-catalog.txt")) == [AuthChallenge(scheme: "basic", parameters: ["realm": "harbor"])])
        let oracle = try #require(WWWAuthenticate.parse(try AuthFixtures.headers("ocir-empty-scope.txt")).first)
        #expect(oracle.scope == "")
        #expect(oracle.service == "uk-london-1.ocir.io")
    }

    @Test func severalChallengesInOneValue() {
        let value = #"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple", Bearer realm="https://a.example/t",service="s""#
        let challenges = WWWAuthenticate.parse(value)
        #expect(challenges.map(\.scheme) == ["newauth", "basic", "bearer"])
        #expect(challenges[0].parameters == ["realm": "apps", "type": "1", "title": "Login to \"apps\""])
        #expect(challenges[1].realm == "simple")
        #expect(challenges[2].service == "s")
    }

    @Test func severalHeadersAddUp() {
        let challenges = WWWAuthenticate.parse(["Basic realm=\"one\"", "Bearer realm=\"https://x.example/token\""])
        #expect(challenges.map(\.scheme) == ["basic", "bearer"])
    }

    @Test func schemesAndParameterNamesAreCaseInsensitiveValuesAreNot() {
        let challenges = WWWAuthenticate.parse(#"BEARER Realm="https://X.example/Token", SERVICE=Reg.Example"#)
        #expect(challenges == [AuthChallenge(scheme: "bearer", parameters: ["realm": "https://X.example/Token", "service": "Reg.Example"])])
    }

    @Test func token68AndBareSchemes() {
        let challenges = WWWAuthenticate.parse("Negotiate YIIBhgYGKwYBBQUCoIIBejCC==, Basic realm=x, NTLM")
        #expect(challenges == [
            AuthChallenge(scheme: "negotiate", token68: "YIIBhgYGKwYBBQUCoIIBejCC=="),
            AuthChallenge(scheme: "basic", parameters: ["realm": "x"]),
            AuthChallenge(scheme: "ntlm"),
        ])
    }

    @Test func whiteSpaceAroundEqualsAndEmptyListElementsAreAllowed() {
        let challenges = WWWAuthenticate.parse(#" , Bearer realm = "https://x.example/t" ,, service= reg ,"#)
        #expect(challenges == [AuthChallenge(scheme: "bearer", parameters: ["realm": "https://x.example/t", "service": "reg"])])
    }

    @Test func theFirstOfARepeatedParameterCounts() {
        #expect(WWWAuthenticate.parse(#"Basic realm="a", realm="b""#).first?.realm == "a")
    }

    @Test func malformedTextKeepsWhatCameBefore() {
        #expect(WWWAuthenticate.parse(#"Basic realm="a", Bearer realm="unterminated"#).map(\.scheme) == ["basic", "bearer"])
        #expect(WWWAuthenticate.parse(#"Basic realm="a" garbage"#).map(\.scheme) == ["basic"])
        #expect(WWWAuthenticate.parse("").isEmpty)
        #expect(WWWAuthenticate.parse("=,=").isEmpty)
    }

    @Test func bearerWithARealmIsPreferredToBasic() throws {
        let registry = AuthFixtures.registry("r.example.com")
        let both = WWWAuthenticate.parse([#"Basic realm="r""#, #"Bearer realm="https://auth.example/t",service="svc""#])
        #expect(try RegistryChallenge.choose(from: both, registry: registry) == .bearer(realm: "https://auth.example/t", service: "svc"))
        let basicAndBadBearer = WWWAuthenticate.parse(#"Bearer realm="ftp://x", Basic realm="r""#)
        #expect(try RegistryChallenge.choose(from: basicAndBadBearer, registry: registry) == .basic)
        #expect(throws: AuthFailure.badRealm(registry: "r.example.com", realm: "ftp://x")) {
            try RegistryChallenge.choose(from: WWWAuthenticate.parse(#"Bearer realm="ftp://x""#), registry: registry)
        }
        #expect(throws: AuthFailure.unsupportedChallenge(registry: "r.example.com", schemes: ["negotiate"])) {
            try RegistryChallenge.choose(from: WWWAuthenticate.parse("Negotiate abc"), registry: registry)
        }
    }
}
