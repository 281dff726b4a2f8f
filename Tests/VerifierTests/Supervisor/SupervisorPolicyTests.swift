import Testing
@testable import Verifier

/// The supervisor's decisions: hand-out, sharing one pull, retries, the crash budget, deadlines.
struct SupervisorPolicyTests {
    static func policy(_ texts: [String], concurrency: Int = 2, processes: Int = 1,
                       retry: RetryPolicy = RetryPolicy(retries: 0, baseDelaySeconds: 0, retryTimeouts: false)) throws -> SupervisorPolicy {
        var policy = SupervisorPolicy(concurrency: concurrency, processes: processes, deadlineSeconds: 10, retry: retry)
        for planned in PlannedList(texts.joined(separator: "\n")).jobs { policy.add(sharing: planned.sharing) }
        policy.planningDone = true
        return policy
    }

    @Test func fillsEachWindowInListOrderAndCompletesWhenAllAreFinished() throws {
        var policy = try Self.policy(["a.example/x:1", "a.example/x:2", "a.example/x:3"])
        #expect(policy.assign(to: 1, now: 0) == [0, 1])
        #expect(policy.assign(to: 2, now: 0) == [2])
        #expect(policy.assign(to: 1, now: 0) == [], "the window is full")
        #expect(policy.finishedGood(0, by: 1) == [0])
        #expect(policy.finishedGood(0, by: 1) == [], "a second report of the same image is ignored")
        #expect(policy.finishedGood(1, by: 2) == [], "a worker that does not hold an image cannot finish it")
        #expect(policy.finishedGood(1, by: 1) == [1])
        #expect(!policy.isComplete)
        #expect(policy.finishedGood(2, by: 2) == [2])
        #expect(policy.isComplete)
    }

    @Test func linesThatPullTheSameImageAreVerifiedOnceAndRecordedForEach() throws {
        // Docker reads all three as docker.io/library/alpine:3; a digest decides alone.
        let digest = "sha256:" + String(repeating: "a", count: 64)
        var policy = try Self.policy(["alpine:3", "b.example/y:1", "library/alpine:3", "docker.io/library/alpine:3",
                                      "c.example/z:1@\(digest)", "c.example/z:2@\(digest)"], concurrency: 10)
        #expect(policy.assign(to: 1, now: 0) == [0, 1, 4], "only the first line of each image is handed out")
        #expect(policy.finishedGood(0, by: 1) == [0, 2, 3], "its verdict is recorded for the lines that share it")
        #expect(policy.finishedGood(4, by: 1) == [4, 5])
        #expect(policy.finishedGood(1, by: 1) == [1])
        #expect(policy.isComplete)
    }

    @Test func aLostWorkersImagesRunAgainOnceThenFail() throws {
        var policy = try Self.policy(["a.example/x:1", "a.example/x:2"])
        #expect(policy.assign(to: 1, now: 0) == [0, 1])
        let first = policy.workerEnded(1)
        #expect(first == SupervisorPolicy.WorkerLoss(retried: [0, 1], failed: [], givingUp: false))
        #expect(policy.assign(to: 1, now: 0) == [0, 1], "retries go out first")
        #expect(policy.attempts(of: 0) == 2)
        let second = policy.workerEnded(1)
        #expect(second.failed == [0, 1])
        #expect(policy.isComplete, "failed images count as done")
    }

    @Test func workersThatKeepDyingWithoutProgressStopTheRun() throws {
        var policy = try Self.policy((1...20).map { "a.example/x:\($0)" }, concurrency: 1, processes: 1)
        var givingUp: [Bool] = []
        for _ in 1...5 {
            _ = policy.assign(to: 1, now: 0)
            givingUp.append(policy.workerEnded(1).givingUp)
        }
        #expect(givingUp == [false, false, false, false, true], "one process may lose 4 workers in a row; the fifth stops the run")
        var progressing = try Self.policy((1...20).map { "a.example/x:\($0)" }, concurrency: 2, processes: 1)
        for _ in 1...6 {
            let ids = progressing.assign(to: 1, now: 0)
            #expect(progressing.finishedGood(ids[0], by: 1).count == 1)
            #expect(!progressing.workerEnded(1).givingUp, "a finished image resets the count")
        }
    }

    @Test func aWorkerHoldingAnImagePastItsDeadlineIsOverdue() throws {
        var policy = try Self.policy(["a.example/x:1", "a.example/x:2"], concurrency: 1)
        _ = policy.assign(to: 1, now: 100)
        _ = policy.assign(to: 2, now: 105)
        #expect(policy.overdueWorkers(now: 109).isEmpty)
        #expect(policy.overdueWorkers(now: 111) == [1])
        #expect(policy.overdueWorkers(now: 116) == [1, 2])
        _ = policy.finishedGood(0, by: 1)
        #expect(policy.overdueWorkers(now: 116) == [2])
    }

    @Test func aStopCountsStartedAndNeverStartedImagesWithTheirSharers() throws {
        var policy = try Self.policy(["alpine:3", "b.example/y:1", "library/alpine:3", "c.example/z:1"])
        #expect(policy.assign(to: 1, now: 0) == [0, 1])
        #expect(policy.remaining - policy.neverStarted == 3, "alpine:3 and library/alpine:3 wait on one pull, b on another")
        #expect(policy.neverStarted == 1)
    }
}

/// The list comes a chunk at a time: the run is complete only once all of it has been planned.
struct SupervisorPolicyPlanningTests {
    @Test func theRunIsNotCompleteWhileTheListIsStillBeingPlanned() throws {
        var policy = SupervisorPolicy(concurrency: 2, processes: 1, deadlineSeconds: 10)
        policy.add(sharing: nil)
        #expect(policy.assign(to: 1, now: 0) == [0])
        #expect(policy.finishedGood(0, by: 1) == [0])
        #expect(!policy.isComplete, "more of the list may come")
        #expect(policy.hasWork, "a worker is kept for what comes")
        policy.add(sharing: nil)
        #expect(policy.assign(to: 1, now: 0) == [1])
        #expect(policy.finishedGood(1, by: 1) == [1])
        policy.planningDone = true
        #expect(policy.isComplete)
        #expect(!policy.hasWork)
    }

    @Test func aJobIsOpenUntilItIsRecorded() throws {
        var policy = try SupervisorPolicyTests.policy(["a.example/x:1", "a.example/x:2"], concurrency: 1,
                                                      retry: RetryPolicy(retries: 1, baseDelaySeconds: 2, retryTimeouts: false))
        #expect(policy.isOpen(0) && policy.isOpen(1), "not handed out yet")
        #expect(policy.assign(to: 1, now: 0) == [0])
        #expect(policy.isOpen(0), "in flight")
        _ = policy.finished(0, by: 1, verdict: .error(.network, "reset"), now: 0, unit: 0)
        #expect(policy.isOpen(0), "waiting out its back-off")
        #expect(policy.assign(to: 1, now: 5) == [0])
        #expect(policy.finishedGood(0, by: 1) == [0])
        #expect(!policy.isOpen(0), "recorded")
        #expect(!policy.isOpen(7), "never planned")
    }
}

/// Retries wait in the supervisor, holding no place in a window.
struct SupervisorPolicyRetryTests {
    @Test func aTransientFailureWaitsItsBackOffWithoutHoldingASlotThenGoesOutFirst() throws {
        var policy = try SupervisorPolicyTests.policy(["a.example/x:1", "a.example/x:2", "a.example/x:3"], concurrency: 1,
                                                      retry: RetryPolicy(retries: 1, baseDelaySeconds: 2, retryTimeouts: false))
        #expect(policy.assign(to: 1, now: 0) == [0])
        #expect(policy.finished(0, by: 1, verdict: .error(.network, "dial tcp: i/o timeout"), now: 1, unit: 0.5) == .retry(at: 2))
        #expect(policy.assign(to: 1, now: 1) == [1], "the waiting image holds no slot")
        #expect(policy.nextStart(now: 1) == 2)
        #expect(policy.finished(1, by: 1, verdict: .good(digest: "sha256:x"), now: 1.5, unit: 0) == .record([1]))
        #expect(policy.assign(to: 1, now: 1.5) == [2], "not yet: the back-off runs until 2")
        #expect(policy.finished(2, by: 1, verdict: .good(digest: "sha256:x"), now: 1.8, unit: 0) == .record([2]))
        #expect(policy.assign(to: 1, now: 2) == [0])
        #expect(policy.attempts(of: 0) == 2)
        #expect(policy.failedAttempts(of: 0) == ["network: dial tcp: i/o timeout"])
        #expect(policy.finished(0, by: 1, verdict: .error(.network, "again"), now: 3, unit: 0.5) == .record([0]), "retries used up")
        #expect(policy.isComplete)
    }

    @Test func aFinalFailureIsRecordedAtOnce() throws {
        var policy = try SupervisorPolicyTests.policy(["a.example/x:1"], concurrency: 1,
                                                      retry: RetryPolicy(retries: 5, baseDelaySeconds: 2, retryTimeouts: false))
        _ = policy.assign(to: 1, now: 0)
        #expect(policy.finished(0, by: 1, verdict: .error(.notFound, "manifest unknown"), now: 1, unit: 0.5) == .record([0]))
    }
}

extension SupervisorPolicyTests {
    /// A good verdict of the registry client whose answers stated `remaining` of 10 pulls a 10 s window.
    static func good(quotaRemaining remaining: Int) -> Verdict {
        var good = Verdict.good(digest: "sha256:x")
        good.registry = RegistryDetails(RegistryCheckResult())
        good.registry?.quota = RateLimit(limit: "10;w=10", remaining: "\(remaining);w=10")
        return good
    }

    @Test func theQuotaAnImageMetPacesTheStartsOfTheImagesStillToVerify() throws {
        var policy = try Self.policy((1...6).map { "a.example/x:\($0)" }, concurrency: 1)
        #expect(policy.assign(to: 1, now: 0) == [0])
        var good = Self.good(quotaRemaining: 2)
        #expect(policy.finished(0, by: 1, verdict: good, now: 1, unit: 0) == .record([0]))
        #expect(policy.limiter.quotaPace == 0.2, "2 pulls left for 5 images: 2 in 10 s")
        #expect(policy.assign(to: 1, now: 1) == [1], "the first start takes the bucket's token")
        #expect(policy.finished(1, by: 1, verdict: good, now: 1.5, unit: 0) == .record([1]))
        #expect(policy.assign(to: 1, now: 1.5) == [], "the next waits for the pace")
        #expect(policy.nextStart(now: 1.5) == 6)
        good = Self.good(quotaRemaining: 9)
        #expect(policy.assign(to: 1, now: 6) == [2])
        #expect(policy.finished(2, by: 1, verdict: good, now: 6.5, unit: 0) == .record([2]))
        #expect(policy.limiter.quotaPace == nil, "9 pulls left cover the 3 images left")
        #expect(policy.assign(to: 1, now: 6.5) == [3])
    }
}

extension SupervisorPolicyTests {
    /// The image that just finished is no longer one still to verify: a quota that covers exactly
    /// the rest does not pace.
    @Test func aQuotaThatCoversExactlyTheRestDoesNotPace() throws {
        var policy = try Self.policy((1...3).map { "a.example/x:\($0)" }, concurrency: 1)
        #expect(policy.assign(to: 1, now: 0) == [0])
        #expect(policy.finished(0, by: 1, verdict: Self.good(quotaRemaining: 2), now: 1, unit: 0) == .record([0]))
        #expect(policy.limiter.quotaPace == nil, "2 pulls left for the 2 images left")
    }
}

extension SupervisorPolicy {
    /// `finished` with a good verdict: the jobs to record, or none.
    mutating func finishedGood(_ id: Int, by worker: Int) -> [Int] {
        guard case .record(let ids) = finished(id, by: worker, verdict: .good(digest: "sha256:x"), now: 0, unit: 0) else { return [] }
        return ids
    }
}
