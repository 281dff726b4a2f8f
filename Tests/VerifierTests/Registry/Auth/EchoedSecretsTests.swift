import Foundation
import Testing
@testable import Verifier

/// What a server echoes of the request loses the credentials it carried.
struct EchoedSecretsTests {
    static let password = "PLANTED-pass/word+9"
    static let basic = RegistryCredential(.password(username: Secret("evil-user"), password: Secret(password)), source: "config.json")
        .basicAuthorization

    @Test func basicCredentialsAreCutInEveryFormAnEchoTakes() {
        let encoded = String(Self.basic.revealed.dropFirst("Basic ".count))
        let echoes = [
            #"{"errors":[{"code":"DENIED","message":"echo {\"authorization\": \"\#(Self.basic.revealed)\"}"}]}"#,
            "bad request: Authorization: \(encoded)",
            "user evil-user:\(Self.password) refused",
            "password \(Self.password) refused",
            "escaped \(Self.password.replacingOccurrences(of: "/", with: "\\/"))",
        ]
        let secrets = EchoedSecrets(sent: Self.basic)
        for echo in echoes {
            let scrubbed = secrets.scrub(echo)
            #expect(!scrubbed.contains("PLANTED") && !scrubbed.contains(encoded.prefix(12)), "\(scrubbed)")
            #expect(scrubbed.contains("<redacted>"))
            #expect(String(decoding: secrets.scrub(Array(echo.utf8)), as: UTF8.self) == scrubbed)
        }
    }

    @Test func aBearerTokenIsCut() {
        let secrets = EchoedSecrets(sent: Secret("Bearer PLANTED.jwt.token"))
        #expect(secrets.scrub(#"Bearer error="invalid_token",error_description="token PLANTED.jwt.token expired""#)
            == #"Bearer error="invalid_token",error_description="token <redacted> expired""#)
    }

    @Test func withoutAuthorizationNothingChanges() {
        let text = "HTTP 404: MANIFEST_UNKNOWN: manifest unknown"
        #expect(EchoedSecrets(sent: nil).scrub(text) == text)
        #expect(EchoedSecrets(sent: Secret("Basic " + Base64.encode(Array("a:b".utf8)))).scrub("a:b and ab") == "a:b and ab",
                "pieces too short to tell from ordinary text are left")
    }
}
