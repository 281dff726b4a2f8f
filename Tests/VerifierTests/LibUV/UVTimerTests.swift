import Foundation
import Testing
@testable import Verifier

/// libuv measures timers from the loop's cached time, taken when the loop last woke: a timer
/// scheduled after work in the same turn would fire early by the length of that work, and an image
/// would time out before its timeout (seen: 7,986 ms for `--timeout 8`).
struct UVTimerTests {
    @Test func aTimerScheduledAfterWorkInTheSameTurnNeverFiresEarly() throws {
        let loop = try UVLoop()
        let first = UVTimer(loop: loop)
        var elapsed = 0.0
        let second = UVTimer(loop: loop)
        first.schedule(after: 0) {
            first.close()
            usleep(200_000) // the turn's work
            let scheduled = MonotonicClock.seconds()
            second.schedule(after: 100) {
                elapsed = MonotonicClock.seconds() - scheduled
                second.close()
            }
        }
        loop.run()
        #expect(elapsed >= 0.1, "fired \(Int((0.1 - elapsed) * 1000)) ms early")
    }
}
