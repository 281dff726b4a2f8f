/// The supervisor's decisions, with no I/O, so that they can be tested like ``ImagePipeline``:
/// which images go to a worker whose window has room, what a worker's end means for the images it
/// held, when a worker is overdue, and when the run is complete.
///
/// - Jobs come as the list is planned (``add(sharing:)``), a chunk at a time; the run is
///   complete only once the planning is (``planningDone``). A job is its id: what it is, the
///   planner keeps (``ListPlanner/jobs``).
/// - A job planned as sharing an open job's verification (the same image, ``ListPlanner``) is not
///   handed out: the verdict of the one verified is recorded for it too (`same_as`), so that one
///   job's `docker rmi` can never remove the image under another's inspect.
/// - A worker that ends with images in flight has each of them run again once; an image on its
///   second try becomes `worker-crashed`.
/// - A worker that holds an image past its supervisor deadline (the image timeout, plus the kill
///   grace, the drain time and a margin) is overdue: the supervisor kills it as hung.
/// - An image whose failure is transient (``RetryPolicy``) waits out its back-off here, holding no
///   place in any window, and then goes out again before any new image.
/// - Starts pass the ``StartRateLimiter``: an image is handed out only with a token. The
///   registry's pull quota, when an answer states it, is passed on to it.
struct SupervisorPolicy {
    /// What a worker's end means.
    struct WorkerLoss: Equatable {
        /// Images to run again.
        var retried: [Int] = []
        /// Images on their second try: record them as `worker-crashed`.
        var failed: [Int] = []
        /// Too many workers in a row ended without finishing an image: stop the run.
        var givingUp = false
    }

    /// What a finished image means.
    enum Finish: Equatable {
        /// Record the verdict for these jobs: the image first, then those that share it.
        case record([Int])
        /// Try the image again once `at` (monotonic seconds) has come.
        case retry(at: Double)
        /// The worker did not hold the image: nothing to do.
        case ignored
    }

    /// The jobs planned so far: their ids are `0..<jobCount`.
    private(set) var jobCount = 0
    /// Whether every line of the list has been planned.
    var planningDone = false
    /// Images a worker may hold at once.
    let concurrency: Int
    /// Seconds a worker may hold one image before it counts as hung.
    let deadlineSeconds: Double
    /// Workers that may end in a row without finishing an image before the run stops.
    let crashBudget: Int
    /// Which failures are tried again, and when.
    let retry: RetryPolicy
    /// How fast images may start.
    private(set) var limiter: StartRateLimiter

    /// For each job verified on behalf of others, those others (ids), in list order.
    private(set) var sharers: [Int: [Int]] = [:]
    /// For each job that shares another's verdict, that other's id.
    private(set) var sharedWith: [Int: Int] = [:]
    private var next = 0
    /// Images whose worker died, to run again first.
    private var rerun: [Int] = []
    /// Images waiting out a back-off, with when each may go out again, soonest first.
    private var waiting: [(at: Double, id: Int)] = []
    private var attempts: [Int: Int] = [:]
    private var crashes: [Int: Int] = [:]
    /// The messages of each image's failed attempts, oldest first (the last three).
    private var failures: [Int: [String]] = [:]
    /// For each worker, its images in flight and when each becomes overdue.
    private var held: [Int: [Int: Double]] = [:]
    private var crashesWithoutProgress = 0
    /// Jobs without a record yet, sharers included.
    private(set) var remaining = 0
    /// No image starts while this is set (the disk guard); what is in flight goes on.
    var startsPaused = false

    init(concurrency: Int, processes: Int, deadlineSeconds: Double,
         retry: RetryPolicy = RetryPolicy(retries: 0, baseDelaySeconds: 0, retryTimeouts: false),
         limiter: StartRateLimiter = StartRateLimiter(ceiling: nil)) {
        self.concurrency = concurrency
        self.deadlineSeconds = deadlineSeconds
        self.retry = retry
        self.limiter = limiter
        crashBudget = 2 * processes + 2
    }

    /// Adds the next job of the list (its id is ``jobCount`` before); `sharing` is the id of the
    /// open job whose verification it shares (``isOpen(_:)``), if any.
    mutating func add(sharing first: Int?) {
        let id = jobCount
        jobCount += 1
        remaining += 1
        guard let first else { return }
        precondition(isOpen(first), "a job shares only an open job's verification")
        sharedWith[id] = first
        sharers[first, default: []].append(id)
    }

    /// Whether job `id` is yet to be recorded: not handed out yet, in flight, or waiting to go out
    /// again.
    func isOpen(_ id: Int) -> Bool {
        guard id < jobCount, sharedWith[id] == nil else { return false }
        return id >= next || rerun.contains(id) || waiting.contains { $0.id == id } || held.values.contains { $0[id] != nil }
    }

    /// Every job of the whole list has a record.
    var isComplete: Bool { planningDone && remaining == 0 }

    /// Jobs that will never be handed out if the run stops now, sharers included.
    var neverStarted: Int { remaining - startedUnfinished.reduce(0) { $0 + group(of: $1).count } }

    /// Images handed out and not finished: in flight now, or waiting to run again.
    private var startedUnfinished: [Int] { held.values.flatMap(\.keys) + rerun + waiting.map(\.id) }

    /// How many times image `id` has been handed out.
    func attempts(of id: Int) -> Int { attempts[id, default: 0] }

    /// The messages of image `id`'s failed attempts that were tried again (the last three).
    func failedAttempts(of id: Int) -> [String] { failures[id] ?? [] }

    /// Drops what is kept of image `id` once its record is written: a run of a million images keeps
    /// nothing of those that are done.
    mutating func forget(_ id: Int) {
        attempts[id] = nil
        crashes[id] = nil
        failures[id] = nil
    }

    /// The images `worker` holds.
    func images(heldBy worker: Int) -> [Int] { held[worker].map { $0.keys.sorted() } ?? [] }

    /// Fills `worker`'s window at time `now` (seconds on a monotonic clock), as far as the start
    /// rate allows; returns the images to send it, in order.
    mutating func assign(to worker: Int, now: Double) -> [Int] {
        var assigned: [Int] = []
        while !startsPaused, held[worker, default: [:]].count < concurrency, peekJob(now: now) != nil, limiter.take(now: now) {
            let id = takeJob(now: now)!
            attempts[id, default: 0] += 1
            held[worker, default: [:]][id] = now + deadlineSeconds
            assigned.append(id)
        }
        return assigned
    }

    /// When an image that cannot go out now for want of time can: the soonest end of a back-off,
    /// or the next token of the start rate. `nil` when nothing waits for time (an image that waits
    /// for a place in a window goes out when an image finishes).
    func nextStart(now: Double) -> Double? {
        guard !startsPaused else { return nil }
        let token = peekJob(now: now) != nil ? limiter.nextToken(now: now) : nil
        return [token, waiting.first?.at].compactMap { $0 }.filter { $0 > now }.min()
    }

    /// `worker` finished image `id` with `verdict` at `now`; `unit` is a uniform draw in 0..<1
    /// for the back-off's jitter.
    mutating func finished(_ id: Int, by worker: Int, verdict: Verdict, now: Double, unit: Double) -> Finish {
        guard held[worker]?.removeValue(forKey: id) != nil else { return .ignored }
        crashesWithoutProgress = 0
        if verdict.category == .rateLimited { limiter.rateLimited(now: now) } else { limiter.startSucceeded(now: now) }
        let finish: Finish
        if retry.retries(verdict, afterAttempt: attempts(of: id)) {
            failures[id, default: []].append("\((verdict.category ?? .timeout).rawValue): \(verdict.message ?? "")")
            if failures[id]!.count > 3 { failures[id]!.removeFirst() }
            let at = now + retry.delay(after: verdict, attempt: attempts(of: id), unit: unit)
            waiting.insert((at, id), at: waiting.firstIndex { $0.at > at } ?? waiting.endIndex)
            finish = .retry(at: at)
        } else {
            let recorded = group(of: id)
            remaining -= recorded.count
            finish = .record(recorded)
        }
        // The images still to verify: this one only when it goes out again.
        if let quota = verdict.registry?.quota {
            limiter.quota(quota, imagesLeft: planningDone ? remaining : .max, inFlight: held.values.reduce(0) { $0 + $1.count }, now: now)
        }
        return finish
    }

    /// `worker` ended (crashed, or was killed as hung) with its images still in flight. The
    /// failed ones count as done: record each with ``group(of:)``.
    mutating func workerEnded(_ worker: Int) -> WorkerLoss {
        var loss = WorkerLoss()
        for id in (held.removeValue(forKey: worker) ?? [:]).keys.sorted() {
            if crashes[id, default: 0] >= 1 {
                loss.failed.append(id)
                remaining -= group(of: id).count
            } else {
                crashes[id, default: 0] += 1
                loss.retried.append(id)
            }
        }
        rerun += loss.retried
        crashesWithoutProgress += 1
        loss.givingUp = crashesWithoutProgress > crashBudget
        return loss
    }

    /// Image `id` and the jobs that share its verdict, in list order.
    func group(of id: Int) -> [Int] { [id] + (sharers[id] ?? []) }

    /// Whether any image is left to hand out, now, after a back-off, or once more of the list is planned.
    var hasWork: Bool { !planningDone || !rerun.isEmpty || !waiting.isEmpty || nextUnshared() != nil }

    /// Moves every deadline `seconds` later: the supervisor did not run for that long.
    mutating func postponeDeadlines(by seconds: Double) {
        for worker in held.keys {
            held[worker] = held[worker]?.mapValues { $0 + seconds }
        }
    }

    /// The workers that hold an image past its deadline at `now`.
    func overdueWorkers(now: Double) -> [Int] {
        held.filter { $0.value.values.contains { $0 < now } }.keys.sorted()
    }

    /// The image that would go out next at `now`, if any may.
    private func peekJob(now: Double) -> Int? {
        if let id = rerun.first { return id }
        if let first = waiting.first, first.at <= now { return first.id }
        return nextUnshared()
    }

    private mutating func takeJob(now: Double) -> Int? {
        if !rerun.isEmpty { return rerun.removeFirst() }
        if let first = waiting.first, first.at <= now {
            waiting.removeFirst()
            return first.id
        }
        guard let id = nextUnshared() else { return nil }
        next = id + 1
        return id
    }

    private func nextUnshared() -> Int? {
        var id = next
        while id < jobCount, sharedWith[id] != nil { id += 1 }
        return id < jobCount ? id : nil
    }
}
