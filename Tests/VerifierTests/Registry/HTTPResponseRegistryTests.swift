import Foundation
import Testing
@testable import Verifier

/// What an ``HTTPResponse`` keeps of its HTTP version and new connections on its way to the check.
struct HTTPResponseRegistryTests {
    static let response = HTTPResponse(status: 404, headers: [("X-Echo", "Bearer PLANTED.jwt.token")], body: Data("Bearer PLANTED.jwt.token".utf8),
                                       bytesReceived: 24, primaryIP: "127.0.0.1", httpVersion: .http2, newConnections: 1)

    @Test func cuttingSecretsOutKeepsTheVersionAndTheConnections() {
        let scrubbed = Self.response.removing(EchoedSecrets(sent: Secret("Bearer PLANTED.jwt.token")))
        #expect(scrubbed.header("x-echo") != "Bearer PLANTED.jwt.token")
        #expect(scrubbed.httpVersion == .http2 && scrubbed.newConnections == 1)
    }

    @Test func theRegistryAnswerAddsTheConnectionsAuthenticationOpenedBefore() {
        let answer = Self.response.registryAnswer(content: nil, connectionsBefore: 2)
        #expect(answer.httpVersion == .http2 && answer.newConnections == 3)
        #expect(Self.response.registryAnswer(content: nil).newConnections == 1)
    }
}
