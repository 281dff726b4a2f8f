import Foundation
import Testing
@testable import Verifier

/// What a response says of its connection: the HTTP version, and the connections curl opened for
/// it (what the summary's `on N connections` adds up). In ``CurlMultiTests``, serialized with it.
extension CurlMultiTests {
    /// The responses to `paths` (`GET`s, started at once, one connection at a time per host) of a
    /// fresh multi, in the order they completed.
    static func responses(_ server: HTTPTestServer, _ paths: [String]) throws -> [HTTPResponse] {
        var options = CurlMulti.Options()
        options.maxConnectionsPerHost = 1
        let curl = try CurlLoop(options: options)
        var outcomes: [Outcome] = []
        for path in paths {
            curl.multi.start(CurlLoop.request(server.url(path))) { outcomes.append($0) }
        }
        #expect(curl.run())
        return try outcomes.map { try $0.get() }
    }

    @Test func aResponseCountsTheConnectionItOpenedNotTheOneItReused() throws {
        let server = try HTTPTestServer()
        let responses = try Self.responses(server, Array(repeating: "/port", count: 5))
        #expect(responses.map(\.newConnections) == [1, 0, 0, 0, 0])
        #expect(Set(responses.compactMap(\.body)).count == 1, "one client port: one connection")
        #expect(responses.allSatisfy { $0.httpVersion == .http1_1 })
    }

    @Test func aConnectionTheServerClosedCountsAgainWhenReopened() throws {
        let server = try HTTPTestServer()
        let responses = try Self.responses(server, Array(repeating: "/close", count: 3))
        #expect(responses.map(\.newConnections) == [1, 1, 1])
    }

    @Test func aRedirectToAnotherPortCountsBothConnections() throws {
        let server = try HTTPTestServer()
        let responses = try Self.responses(server, ["/redirect"])
        #expect(responses.map(\.newConnections) == [2])
        #expect(responses.first?.httpVersion == .http1_1)
    }
}
