import Testing
@testable import Verifier

/// The rate counts the last minute only, and the ETA follows it.
struct SlidingWindowRateTests {
    @Test func theRateIsPerMinuteOverTheTimeSoFarWhenThatIsUnderAMinute() {
        var rate = SlidingWindowRate(start: 1000)
        for second in 0..<10 { rate.add(1, at: 1000 + Double(second) + 0.5) }
        #expect(rate.perMinute(at: 1010) == 60)
        #expect(rate.secondsLeft(30, at: 1010) == 30)
    }

    @Test func theFirstSecondCountsAsOneSecond() {
        var rate = SlidingWindowRate(start: 0)
        rate.add(3, at: 0.1)
        #expect(rate.perMinute(at: 0.2) == 180)
    }

    @Test func imagesOlderThanAMinuteNoLongerCount() {
        var rate = SlidingWindowRate(start: 0)
        rate.add(600, at: 5.5)
        rate.add(30, at: 100.5)
        // The window is the seconds 41 to 100, 59 seconds and a half to 100.5.
        #expect(rate.perMinute(at: 100.5) == 30 / 59.5 * 60)
        // A bucket reused a minute later starts from 0 (second 65 is second 5's bucket).
        rate.add(1, at: 65.2)
        #expect(rate.perMinute(at: 100.5) == 31 / 59.5 * 60)
    }

    @Test func aMinuteWithNothingDoneHasNoETA() {
        var rate = SlidingWindowRate(start: 0)
        #expect(rate.perMinute(at: 30) == 0)
        #expect(rate.secondsLeft(10, at: 30) == nil)
        rate.add(10, at: 1)
        #expect(rate.secondsLeft(10, at: 30) == 30)
        #expect(rate.secondsLeft(10, at: 61) == nil)
        #expect(rate.secondsLeft(0, at: 61) == 0)
    }

    @Test func aTimeBeforeTheStartCountsAsTheStart() {
        var rate = SlidingWindowRate(start: 50)
        rate.add(2, at: 49)
        #expect(rate.perMinute(at: 50.5) == 120)
    }
}
