import Testing
@testable import Verifier

/// The bar fits any width, drops its least important facts first, and says the same as the plain line.
struct ProgressRendererTests {
    static let midRun = ProgressState(done: 120, total: 4254, good: 100, errors: 15, timeouts: 5, perMinute: 352.1, secondsLeft: 710)

    @Test(arguments: [
        (120, "120/4254 2% [---------------------------]  100 good  15 error  5 timeout  352.1/min  ETA 11m50s"),
        // The drawn bar goes first, then the rate, the good count, the ETA, the timeouts, the errors...
        (80, "120/4254 2%  100 good  15 error  5 timeout  352.1/min  ETA 11m50s"),
        (60, "120/4254 2%  100 good  15 error  5 timeout  ETA 11m50s"),
        (50, "120/4254 2%  15 error  5 timeout  ETA 11m50s"),
        (40, "120/4254 2%  15 error  5 timeout"),
        (30, "120/4254 2%  15 error"),
        (20, "120/4254 2%"),
        // ...and the percentage; the count stays, cut if it must be.
        (10, "120/4254"),
        (5, "120/"),
        (0, "1"),
    ])
    func theBarKeepsTheMostImportantFactsThatFit(_ width: Int, _ expected: String) {
        #expect(ProgressRenderer.bar(Self.midRun, width: width) == expected)
    }

    @Test func theBarNeverTakesTheLastColumn() {
        var state = Self.midRun
        state.startsPerSecond = 4
        state.pausedFor = "disk"
        for width in 1...300 {
            let bar = ProgressRenderer.bar(state, width: width)
            #expect(bar.count <= max(width - 1, 1), "width \(width): \(bar)")
            #expect(!bar.hasPrefix(" ") && !bar.hasSuffix(" "), "width \(width): \(bar)")
        }
    }

    @Test func theREADMEsExamplesAreWhatIsShown() {
        let state = ProgressState(done: 1200, total: 4254, good: 1150, errors: 42, timeouts: 8, perMinute: 352.1,
                                  secondsLeft: 3054 / 352.1 * 60)
        #expect(ProgressRenderer.bar(state, width: 100)
            == "1200/4254 28% [######----------------]  1150 good  42 error  8 timeout  352.1/min  ETA 8m41s")
        #expect(ProgressRenderer.line(state)
            == "verify: 1200/4254 done (28%; 1150 good, 42 error, 8 timeout), 352.1 images/min over the last minute, ETA 8m41s")
    }

    @Test func theStartRateAndAPauseAreShownWhenSetAndThePauseOutlastsTheRate() {
        var state = Self.midRun
        state.startsPerSecond = 4
        state.pausedFor = "disk"
        #expect(ProgressRenderer.bar(state, width: 200)
            == "120/4254 2% [------------------------------]  100 good  15 error  5 timeout  352.1/min  ETA 11m50s  rate 4.0/s  paused: disk")
        #expect(ProgressRenderer.bar(state, width: 60) == "120/4254 2%  15 error  5 timeout  ETA 11m50s  paused: disk")
    }

    @Test func theDrawnBarFillsWithThePercentage() {
        var state = ProgressState(done: 1, total: 3, good: 1, errors: 0, timeouts: 0, perMinute: 30, secondsLeft: 4)
        #expect(ProgressRenderer.bar(state, width: 100) == "1/3 33% [#######---------------]  1 good  0 error  0 timeout  30.0/min  ETA 4s")
        state.done = 3
        state.good = 3
        state.secondsLeft = 0
        #expect(ProgressRenderer.bar(state, width: 100) == "3/3 100% [######################]  3 good  0 error  0 timeout  30.0/min  ETA 0s")
    }

    @Test func thePlainLineHasTheSameFacts() {
        #expect(ProgressRenderer.line(Self.midRun)
            == "verify: 120/4254 done (2%; 100 good, 15 error, 5 timeout), 352.1 images/min over the last minute, ETA 11m50s")
        var state = Self.midRun
        state.startsPerSecond = 4
        state.pausedFor = "disk"
        #expect(ProgressRenderer.line(state).hasSuffix(", ETA 11m50s, rate 4.0/s, paused: disk"))
    }

    @Test func theRegistrysPullQuotaIsShownWhenItSaysWhatIsLeft() {
        var state = Self.midRun
        state.quota = RateLimit(limit: "100;w=21600", remaining: "76;w=21600")
        #expect(ProgressRenderer.line(state).hasSuffix(", ETA 11m50s, quota 76/100"))
        #expect(ProgressRenderer.bar(state, width: 200).hasSuffix("  quota 76/100"))
        state.quota = RateLimit(limit: "100", remaining: nil)
        #expect(ProgressRenderer.line(state).hasSuffix(", ETA 11m50s"), "no figure to show without RateLimit-Remaining")
    }

    @Test(arguments: [
        (nil, "ETA --"), (.infinity, "ETA --"), (0, "ETA 0s"), (44.2, "ETA 45s"), (187, "ETA 3m07s"),
        (7500, "ETA 2h05m"), (99 * 3600 + 59 * 60, "ETA 99h59m"), (1e300, "ETA >99h"),
    ] as [(Double?, String)])
    func theETAIsShortAndNeverTraps(_ seconds: Double?, _ expected: String) {
        var state = Self.midRun
        state.secondsLeft = seconds
        #expect(ProgressRenderer.line(state).hasSuffix(expected))
    }

    @Test func thePercentageIsWholeAndReaches100OnlyAtTheEnd() {
        #expect(ProgressState(done: 1, total: 3, good: 1, errors: 0, timeouts: 0, perMinute: 0).percent == 33)
        #expect(ProgressState(done: 999, total: 1000, good: 999, errors: 0, timeouts: 0, perMinute: 0).percent == 99)
        #expect(ProgressState(done: 0, total: 0, good: 0, errors: 0, timeouts: 0, perMinute: 0).percent == 100)
    }
}
