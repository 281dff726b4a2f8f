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

    /// libuv keeps its time in whole milliseconds, cut down: a timer scheduled 0.9 ms into a
    /// millisecond fired up to that much early when something else woke the loop at the turn of
    /// its last millisecond (here a timer every millisecond, as a busy worker's I/O would).
    /// Twenty short timers in a row, each never early.
    @Test func aTimerNeverFiresBeforeItsTimeInsideAMillisecond() throws {
        let loop = try UVLoop()
        let noise = UVTimer(loop: loop)
        noise.schedule(after: 1, repeating: 1) {}
        let timer = UVTimer(loop: loop)
        var early: [Double] = []
        var left = 20
        var scheduled = 0.0
        func next() {
            scheduled = MonotonicClock.seconds()
            timer.schedule(after: 3) {
                let elapsed = MonotonicClock.seconds() - scheduled
                if elapsed < 0.003 { early.append(0.003 - elapsed) }
                left -= 1
                if left == 0 {
                    timer.close()
                    noise.close()
                } else {
                    next()
                }
            }
        }
        next()
        loop.run()
        #expect(early.isEmpty, "\(early.count) of 20 fired early, by up to \(Int((early.max() ?? 0) * 1_000_000)) µs")
    }
}
