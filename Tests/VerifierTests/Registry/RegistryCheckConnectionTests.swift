import Testing
@testable import Verifier

/// How ``RegistryCheck`` counts the answers that came over HTTP/2 and the connections opened for
/// them (what the run's summary adds up), against the fake registry of ``RegistryCheckTests``.
struct RegistryCheckConnectionTests {
    static let host = RegistryCheckTests.host

    /// `answer` as it came over `version`, on `opened` new connections.
    static func came(_ answer: RegistryAnswer, over version: HTTPVersion?, opening opened: Int) -> RegistryAnswer {
        RegistryAnswer(status: answer.status, headers: answer.headers, body: answer.body, content: answer.content,
                       receivedAt: answer.receivedAt, httpVersion: version, newConnections: opened)
    }

    @Test func answersMultiplexedOnOneConnectionCountItOnce() throws {
        var driver = try CheckDriver()
        driver.network = { n, answer in Self.came(answer, over: .http2, opening: n == 0 ? 1 : 0) }
        let (result, requests) = try driver.run("\(Self.host)/fixtures/multi:v1")
        #expect(result.status == .good)
        #expect(result.requests == 7 && requests.count == 7)
        #expect(result.answersOverHTTP2 == 7)
        #expect(result.connectionsOpened == 1)
    }

    @Test func answersOverHTTP1CountNoneOverHTTP2AndEveryConnectionOpened() throws {
        var driver = try CheckDriver()
        driver.network = { n, answer in Self.came(answer, over: n == 0 ? .http1_0 : .http1_1, opening: n < 2 ? 2 : 1) }
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v1", depth: .content)
        #expect(result.status == .good && result.requests == 3)
        #expect(result.answersOverHTTP2 == 0)
        #expect(result.connectionsOpened == 2 + 2 + 1)
    }

    @Test func anAnswerOfUnknownVersionIsNotCountedAsHTTP2() throws {
        var driver = try CheckDriver()
        driver.network = { n, answer in Self.came(answer, over: n == 1 ? nil : .http2, opening: 0) }
        let (result, _) = try driver.run("\(Self.host)/fixtures/single:v1")
        #expect(result.requests == 3 && result.answersOverHTTP2 == 2 && result.connectionsOpened == 0)
    }

    @Test func requestsEndedByAFailureCountAsRequestsButNotAsAnswers() throws {
        // The arm64 manifest is missing and answered first: the check ends there, and the driver
        // cancels the amd64 manifest still outstanding, whose answer never comes.
        var driver = try CheckDriver()
        let arm64 = try RegistryCheckTests.index().manifests[1].digest
        driver.registry.overrides["/v2/fixtures/multi/manifests/\(arm64)"] = try RegistryFixtures.answer("manifest-missing-digest")
        driver.newestFirst = true
        driver.network = { _, answer in Self.came(answer, over: .http2, opening: 1) }
        let (result, requests) = try driver.run("\(Self.host)/fixtures/multi:v1")
        #expect(result.status == .error && result.step == .platformManifest)
        #expect(result.requests == 3 && requests.count == 3)
        #expect(result.answersOverHTTP2 == 2 && result.connectionsOpened == 2)
    }

    @Test func progressCountsTheAnswersSoFar() throws {
        var check = RegistryCheck(reference: try ImageReference(parsing: "\(Self.host)/fixtures/single:v1"))
        guard case .send(let first) = check.start() else {
            Issue.record("no first request")
            return
        }
        var cache = KnownGoodBlobs()
        let answer = try FakeRegistry().answer(first[0])
        guard case .send(let blobs) = check.receive(Self.came(answer, over: .http2, opening: 1), for: first[0], cache: &cache) else {
            Issue.record("no blob requests")
            return
        }
        #expect(blobs.count == 2)
        #expect(check.progress.requests == 3 && check.progress.answersOverHTTP2 == 1 && check.progress.connectionsOpened == 1)
    }
}
