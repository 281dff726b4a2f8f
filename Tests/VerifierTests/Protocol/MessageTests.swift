import Testing
@testable import Verifier

struct MessageTests {
    static func roundTrip<M: ChannelMessage & Equatable>(_ messages: [M]) -> [M] {
        var framer = MessageFramer<M>()
        let bytes = messages.flatMap(\.framed)
        // Deliver in awkward pieces: a message may arrive split anywhere.
        var received: [M] = []
        for chunk in stride(from: 0, to: bytes.count, by: 7).map({ bytes[$0..<min($0 + 7, bytes.count)] }) {
            Array(chunk).withUnsafeBytes { received += framer.messages(appending: $0) }
        }
        return received
    }

    @Test func workerMessagesSurviveTheChannel() {
        let messages: [WorkerMessage] = [
            .childStarted(id: 17, processGroup: 4242),
            .finished(id: 17, verdict: .good(digest: "sha256:" + String(repeating: "a", count: 64), cleanupWarning: "docker rmi failed: busy"),
                      startedAt: 1_790_000_000.125, finishedAt: 1_790_000_001.5),
            .finished(id: 3, verdict: .error(.notFound, "manifest unknown: a \"quoted\"\nmessage", step: .pull, exitCode: 1,
                                             stderrTail: "line one\nline two\n"), startedAt: 0, finishedAt: 0),
        ]
        #expect(Self.roundTrip(messages) == messages)
    }

    @Test func supervisorMessagesSurviveTheChannel() {
        let messages: [SupervisorMessage] = [.verify(id: 0, reference: "127.0.0.1:5000/team/app@sha256:" + String(repeating: "b", count: 64)),
                                             .verify(id: 99_999, reference: "nginx")]
        #expect(Self.roundTrip(messages) == messages)
    }

    @Test func aGarbledLineIsSkipped() {
        var framer = MessageFramer<WorkerMessage>()
        let received = Array("garbage\nS 1 2\nF x\n".utf8).withUnsafeBytes { framer.messages(appending: $0) }
        #expect(received == [.childStarted(id: 1, processGroup: 2)])
    }
}
