/// The supervisor's decisions, with no I/O, so that they can be tested like ``ImagePipeline``:
/// which images go to a worker whose window has room, what a worker's end means for the images it
/// held, when a worker is overdue, and when the run is complete.
///
/// - Jobs that pull the same image (the same ``Job/pullKey``) are verified once: the first in
///   list order is handed out, and its verdict is recorded for the others too (`same_as`), so
///   that one job's `docker rmi` can never remove the image under another's inspect.
/// - A worker that ends with images in flight has each of them run again once; an image on its
///   second try becomes `worker-crashed`.
/// - A worker that holds an image past its supervisor deadline (the image timeout, plus the kill
///   grace, the drain time and a margin) is overdue: the supervisor kills it as hung.
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

    /// The jobs, indexed by id.
    let jobs: [Job]
    /// Images a worker may hold at once.
    let concurrency: Int
    /// Seconds a worker may hold one image before it counts as hung.
    let deadlineSeconds: Double
    /// Workers that may end in a row without finishing an image before the run stops.
    let crashBudget: Int

    /// For each job verified on behalf of others, those others (ids), in list order.
    private(set) var sharers: [Int: [Int]] = [:]
    /// For each job that shares another's verdict, that other's id.
    private(set) var sharedWith: [Int: Int] = [:]
    private var next = 0
    private var retries: [Int] = []
    private var attempts: [Int: Int] = [:]
    /// For each worker, its images in flight and when each becomes overdue.
    private var held: [Int: [Int: Double]] = [:]
    private var crashesWithoutProgress = 0
    /// Jobs without a record yet, sharers included.
    private(set) var remaining: Int

    init(jobs: [Job], concurrency: Int, processes: Int, deadlineSeconds: Double) {
        self.jobs = jobs
        self.concurrency = concurrency
        self.deadlineSeconds = deadlineSeconds
        crashBudget = 2 * processes + 2
        remaining = jobs.count
        sharedWith = Job.sharing(jobs)
        for (id, first) in sharedWith.sorted(by: { $0.key < $1.key }) {
            sharers[first, default: []].append(id)
        }
    }

    /// Every job has a record.
    var isComplete: Bool { remaining == 0 }

    /// Images handed out and not finished: in flight now, or waiting for a retry.
    var unfinishedStarted: Int { held.values.reduce(0) { $0 + $1.count } + retries.count }

    /// Jobs that will never be handed out if the run stops now, sharers included.
    var neverStarted: Int { remaining - unfinishedStarted - unfinishedStartedSharers }

    private var unfinishedStartedSharers: Int {
        (held.values.flatMap(\.keys) + retries).reduce(0) { $0 + group(of: $1).count - 1 }
    }

    /// How many times image `id` has been handed out.
    func attempts(of id: Int) -> Int { attempts[id, default: 0] }

    /// The images `worker` holds.
    func images(heldBy worker: Int) -> [Int] { held[worker].map { $0.keys.sorted() } ?? [] }

    /// Fills `worker`'s window at time `now` (seconds on a monotonic clock); returns the images
    /// to send it, in order.
    mutating func assign(to worker: Int, now: Double) -> [Int] {
        var assigned: [Int] = []
        while held[worker, default: [:]].count < concurrency, let id = takeJob() {
            attempts[id, default: 0] += 1
            held[worker, default: [:]][id] = now + deadlineSeconds
            assigned.append(id)
        }
        return assigned
    }

    /// `worker` finished image `id`. Returns the images to record with its verdict: `id` first,
    /// then the jobs that share it; empty when `worker` did not hold `id`.
    mutating func finished(_ id: Int, by worker: Int) -> [Int] {
        guard held[worker]?.removeValue(forKey: id) != nil else { return [] }
        crashesWithoutProgress = 0
        let recorded = group(of: id)
        remaining -= recorded.count
        return recorded
    }

    /// `worker` ended (crashed, or was killed as hung) with its images still in flight. The
    /// failed ones count as done: record each with ``group(of:)``.
    mutating func workerEnded(_ worker: Int) -> WorkerLoss {
        var loss = WorkerLoss()
        for id in (held.removeValue(forKey: worker) ?? [:]).keys.sorted() {
            if attempts(of: id) >= 2 {
                loss.failed.append(id)
                remaining -= group(of: id).count
            } else {
                loss.retried.append(id)
            }
        }
        retries += loss.retried
        crashesWithoutProgress += 1
        loss.givingUp = crashesWithoutProgress > crashBudget
        return loss
    }

    /// Image `id` and the jobs that share its verdict, in list order.
    func group(of id: Int) -> [Int] { [id] + (sharers[id] ?? []) }

    /// Whether any image is left to hand out.
    var hasWork: Bool { !retries.isEmpty || nextUnshared() != nil }

    /// The workers that hold an image past its deadline at `now`.
    func overdueWorkers(now: Double) -> [Int] {
        held.filter { $0.value.values.contains { $0 < now } }.keys.sorted()
    }

    private mutating func takeJob() -> Int? {
        if !retries.isEmpty { return retries.removeFirst() }
        guard let id = nextUnshared() else { return nil }
        next = id + 1
        return id
    }

    private func nextUnshared() -> Int? {
        var id = next
        while id < jobs.count, sharedWith[id] != nil { id += 1 }
        return id < jobs.count ? id : nil
    }
}
