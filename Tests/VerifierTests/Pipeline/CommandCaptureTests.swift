import Testing
@testable import Verifier

/// The rule both engines follow: finished after the exit and the end of both streams, or after the
/// drain when a stream stays open.
struct CommandCaptureTests {
    @Test func waitsForBothStreamsAfterTheExit() {
        var capture = CommandCapture()
        Array("pulled\n".utf8).withUnsafeBytes { capture.append($0, to: .stdout) }
        guard case .awaitingStreams = capture.exited(.exited(0)) else {
            Issue.record("finished before its streams ended")
            return
        }
        #expect(capture.streamEnded() == nil)
        let outcome = capture.streamEnded()
        #expect(outcome?.exitCode == 0)
        #expect(outcome?.stdout.text == "pulled\n")
    }

    @Test func streamsThatEndFirstFinishWithTheExit() {
        var capture = CommandCapture()
        #expect(capture.streamEnded() == nil)
        #expect(capture.streamEnded() == nil, "no outcome before the exit")
        guard case .finished(let outcome) = capture.exited(.signaled(9)) else {
            Issue.record("not finished at the exit")
            return
        }
        #expect(outcome.signal == 9)
        #expect(outcome.exitCode == nil)
    }

    @Test func theDrainFinishesAnExitedCommandWithAStreamStillOpen() {
        var capture = CommandCapture()
        Array("partial".utf8).withUnsafeBytes { capture.append($0, to: .stderr) }
        _ = capture.exited(.exited(1))
        _ = capture.streamEnded()
        let outcome = capture.drainExpired()
        #expect(outcome?.exitCode == 1)
        #expect(outcome?.stderr.text == "partial")
        #expect(capture.streamEnded() == nil, "reported once only")
    }

    @Test func aSecondReportOfTheExitChangesNothing() {
        var capture = CommandCapture()
        _ = capture.exited(.exited(0))
        guard case .alreadyKnown = capture.exited(.signaled(15)) else {
            Issue.record("the second report was taken")
            return
        }
        _ = capture.streamEnded()
        #expect(capture.streamEnded()?.exitCode == 0)
    }

    @Test func theDrainDoesNothingBeforeTheExit() {
        var capture = CommandCapture()
        #expect(capture.drainExpired() == nil)
    }
}
