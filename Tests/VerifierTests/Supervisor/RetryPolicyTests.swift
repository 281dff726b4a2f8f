import Testing
@testable import Verifier

/// What is tried again, and after how long.
struct RetryPolicyTests {
    let policy = RetryPolicy(retries: 2, baseDelaySeconds: 2, retryTimeouts: false)

    @Test(arguments: [ErrorCategory.rateLimited, .network, .serverError, .blobUnknown])
    func transientFailuresAreTriedAgainUpToTheRetries(_ category: ErrorCategory) {
        let verdict = Verdict.error(category, "x")
        #expect(policy.retries(verdict, afterAttempt: 1))
        #expect(policy.retries(verdict, afterAttempt: 2))
        #expect(!policy.retries(verdict, afterAttempt: 3), "two retries: three attempts in all")
    }

    @Test(arguments: [ErrorCategory.notFound, .unauthorized, .invalidReference, .other, .workerCrashed])
    func otherFailuresAreFinalAtOnce(_ category: ErrorCategory) {
        #expect(!policy.retries(.error(category, "x"), afterAttempt: 1))
    }

    @Test func timeoutsAreTriedAgainOnlyWhenAsked() {
        let timeout = Verdict(status: .timeout, category: .timeout)
        #expect(!policy.retries(timeout, afterAttempt: 1))
        #expect(RetryPolicy(retries: 1, baseDelaySeconds: 1, retryTimeouts: true).retries(timeout, afterAttempt: 1))
        #expect(!policy.retries(.good(digest: "sha256:x"), afterAttempt: 1))
    }

    @Test func theBackOffDoublesWithFullJitterAndStopsAtAMinute() {
        #expect(policy.delay(afterAttempt: 1, unit: 0.999) < 2)
        #expect(policy.delay(afterAttempt: 2, unit: 0.5) == 2)
        #expect(policy.delay(afterAttempt: 3, unit: 0.5) == 4)
        #expect(policy.delay(afterAttempt: 10, unit: 1) == 60)
        #expect(policy.delay(afterAttempt: 1_000, unit: 1) == 60, "no overflow")
        #expect(policy.delay(afterAttempt: 3, unit: 0) == 0)
    }

    @Test func aRetryAfterTheRegistrySentTakesPrecedenceUpToAMinute() {
        var limited = Verdict.error(.rateLimited, "HTTP 429")
        limited.retryAfterSeconds = 37
        #expect(policy.delay(after: limited, attempt: 1, unit: 0.1) == 37)
        limited.retryAfterSeconds = 3600
        #expect(policy.delay(after: limited, attempt: 1, unit: 0.1) == 60)
        #expect(policy.delay(after: .error(.rateLimited, "no header"), attempt: 2, unit: 0.5) == 2, "the back-off otherwise")
    }
}

/// The start rate across all workers.
struct StartRateLimiterTests {
    @Test func aCeilingAllowsThatManyStartsASecondAndSaysWhenTheNextMay() {
        var limiter = StartRateLimiter(ceiling: 4)
        let first = limiter.take(now: 100)
        let second = limiter.take(now: 100)
        #expect(first && !second)
        #expect(limiter.nextToken(now: 100) == 100.25)
        let third = limiter.take(now: 100.25)
        #expect(third)
        let started = (0..<40).filter { limiter.take(now: 101 + Double($0) * 0.05) }.count
        #expect(started == 8, "two seconds at 4 a second")
    }

    @Test func withoutACeilingNothingIsLimitedUntilTheFirstRateLimitedAnswer() {
        var limiter = StartRateLimiter(ceiling: nil)
        let allowed = (0..<20).filter { limiter.take(now: 10 + Double($0) / 10) }.count
        #expect(allowed == 20)
        #expect(limiter.rate == nil)
        limiter.rateLimited(now: 12)
        #expect(limiter.rate == 5, "half of 20 starts in 2 s")
        #expect(limiter.cuts == [StartRateLimiter.Change(at: 12, rate: 5)])
    }

    @Test func aCutHalvesAtMostOnceASecondAndSuccessesRaiseItBackButNotAboveTheCeiling() {
        var limiter = StartRateLimiter(ceiling: 8)
        limiter.rateLimited(now: 0)
        #expect(limiter.rate == 4)
        limiter.rateLimited(now: 0.5)
        #expect(limiter.rate == 4, "answers of pulls started before the cut say nothing new")
        limiter.startSucceeded(now: 1)
        #expect(limiter.rate == 4.8, "quickly below nine tenths of the rate at the cut: 8/10 a second")
        limiter.startSucceeded(now: 4)
        #expect(limiter.rate == 7.2)
        limiter.startSucceeded(now: 1_000)
        #expect(limiter.rate == 8, "never above --rate")
        limiter.rateLimited(now: 1_001)
        #expect(limiter.cuts.map(\.rate).min() == 4)
    }
}

extension StartRateLimiterTests {
    /// --rate may be below the limiter's floor: a cut never raises the rate above it.
    @Test func aCutNeverRaisesTheRateAboveTheCeiling() throws {
        var limiter = StartRateLimiter(ceiling: 0.01)
        let took = limiter.take(now: 0)
        #expect(took)
        limiter.rateLimited(now: 1)
        let rate = try #require(limiter.rate)
        #expect(rate <= 0.01, "after a 429 the start rate is \(rate)/s, above --rate 0.01")
    }
}

extension StartRateLimiterTests {
    static func quota(_ remaining: Int?, of limit: Int = 100, window: Int? = 20) -> RateLimit {
        RateLimit(limit: "\(limit)" + (window.map { ";w=\($0)" } ?? ""), remaining: remaining.map { "\($0)" + (window.map { ";w=\($0)" } ?? "") })!
    }

    @Test func aQuotaThatWouldNotLastTheRunPacesStartsToWhatRemainsOverItsWindow() {
        var limiter = StartRateLimiter(ceiling: nil)
        limiter.quota(Self.quota(10), imagesLeft: 50, inFlight: 0, now: 0)
        #expect(limiter.quotaPace == 0.5, "10 pulls left in a 20 s window")
        #expect(limiter.effectiveRate == 0.5)
        let started = (0..<100).filter { limiter.take(now: Double($0) / 10) }.count
        #expect(started == 5, "one start, then one every 2 s for 10 s: \(started)")
        let next = limiter.take(now: 10)
        #expect(next && limiter.nextToken(now: 10) == 12)
        #expect(limiter.rate == nil, "the pace is the quota's, not a cut")
    }

    @Test func aQuotaThatCoversTheRunLimitsNothingAndLiftsAPace() {
        var limiter = StartRateLimiter(ceiling: nil)
        limiter.quota(Self.quota(60), imagesLeft: 50, inFlight: 0, now: 0)
        #expect(limiter.quotaPace == nil)
        #expect((0..<100).filter { limiter.take(now: Double($0) / 100) }.count == 100)
        limiter.quota(Self.quota(3), imagesLeft: 50, inFlight: 0, now: 1)
        #expect(limiter.quotaPace == 0.15)
        limiter.quota(Self.quota(80), imagesLeft: 50, inFlight: 0, now: 2)
        #expect(limiter.quotaPace == nil, "the window moved on: the quota covers the rest again")
        #expect(limiter.nextToken(now: 2) == nil)
    }

    @Test func anExhaustedQuotaStillLetsOneStartAWindowAndTheLowerOfPaceAndRateHolds() {
        var limiter = StartRateLimiter(ceiling: 4)
        limiter.quota(Self.quota(0), imagesLeft: 5, inFlight: 0, now: 0)
        #expect(limiter.quotaPace == 0.05, "one start in the 20 s window, to see the quota again")
        #expect(limiter.effectiveRate == 0.05)
        limiter.quota(Self.quota(99), imagesLeft: 500, inFlight: 0, now: 1)
        #expect(limiter.effectiveRate == 4, "--rate is lower than 99 / 20 s")
    }

    @Test func imagesInFlightCountAgainstWhatRemainsAndWhenTheyMayTakeItAllTheNextStartWaitsAWindow() {
        var limiter = StartRateLimiter(ceiling: nil)
        limiter.quota(Self.quota(6), imagesLeft: 50, inFlight: 2, now: 0)
        #expect(limiter.quotaPace == 0.2, "4 of the 6 left are not claimed by images in flight")
        limiter.quota(Self.quota(2), imagesLeft: 50, inFlight: 2, now: 1)
        #expect(limiter.quotaPace == 0.05)
        let started = limiter.take(now: 1)
        #expect(!started, "the token in the bucket is gone: the images in flight may take the 2 left")
        #expect(limiter.nextToken(now: 1) == 21)
    }

    @Test func aWindowLongerThanADayIsPacedAsADaysAndThePaceReadsAsAPersonWouldSayIt() {
        var limiter = StartRateLimiter(ceiling: nil)
        limiter.quota(Self.quota(1, window: 900_000), imagesLeft: 50, inFlight: 0, now: 0)
        #expect(limiter.quotaPace == 1.0 / 86_400, "at most a day to the next start")
        #expect(StartRateLimiter.describe(1.0 / 216) == "one start every 216 s")
        #expect(StartRateLimiter.describe(2.5) == "2.50/s")
        #expect(StartRateLimiter.describe(0) == "no starts")
        #expect(StartRateLimiter.describe(.leastNonzeroMagnitude) == "one start every 1000000000 s")
    }

    @Test func aQuotaWithoutWhatRemainsOrItsWindowChangesNothing() {
        var limiter = StartRateLimiter(ceiling: nil)
        limiter.quota(Self.quota(5), imagesLeft: 50, inFlight: 0, now: 0)
        limiter.quota(Self.quota(nil), imagesLeft: 50, inFlight: 0, now: 1)
        limiter.quota(Self.quota(1, window: nil), imagesLeft: 50, inFlight: 0, now: 2)
        #expect(limiter.quotaPace == 0.25, "the last pace stands")
    }
}

/// The circuit breaker.
struct FailureLimitTests {
    @Test func parsesCountsAndPercentages() {
        #expect(FailureLimit(parsing: "5") == .count(5))
        #expect(FailureLimit(parsing: "12.5%") == .percent(12.5))
        for bad in ["0", "-1", "x", "101%", "0%", "%", ""] { #expect(FailureLimit(parsing: bad) == nil, "\(bad)") }
    }

    @Test func aCountTripsAtItsValueAndAPercentageOnlyAfterTwentyImages() {
        #expect(FailureLimit.count(3).trips(failed: 2, done: 2) == nil)
        #expect(FailureLimit.count(3).trips(failed: 3, done: 3) == "3 images failed; --max-failures is 3")
        #expect(FailureLimit.percent(50).trips(failed: 10, done: 10) == nil, "too few images done to judge")
        #expect(FailureLimit.percent(50).trips(failed: 10, done: 20) == "10 of 20 images failed (50.0%); --max-failures is 50%")
        #expect(FailureLimit.percent(50).trips(failed: 9, done: 20) == nil)
    }
}
