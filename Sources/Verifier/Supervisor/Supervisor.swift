#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs the worker processes, hands them images as their windows free up, collects their
/// verdicts, and is the only writer of results. What to hand out, retry or give up on is decided
/// by ``SupervisorPolicy``; this class does the I/O.
///
/// Workers are this same executable started again in worker mode (never a bare fork), on one
/// libuv loop shared with the supervisor's signals and timers. libuv reaps the workers and the
/// daemon check; the supervisor is also a child subreaper, so the clients of a worker that died
/// (and anything they started) are reparented to it, and it kills and reaps them.
final class Supervisor {
    private enum State {
        /// The daemon check runs.
        case checking
        case running
        /// Every image has a result; the workers are being let go.
        case finishing
        /// Stopping early; no further result is written.
        case stopping(Stop)
    }

    /// Why a run stops early.
    private enum Stop {
        case signal
        case error(VerifyError)
        /// The circuit breaker tripped, for this reason.
        case tripped(String)
    }

    private let configuration: RunConfiguration
    private let client: String
    private let loop: UVLoop
    private let writer: ResultWriter
    private(set) var summary: RunSummary
    private var policy: SupervisorPolicy
    private var workers: [Int: WorkerHandle] = [:]
    private var state = State.checking
    private var orphans = OrphanLedger()
    /// Records of finished images that could not be written (the disk is full).
    private var unwritten = 0
    private var timers: [UVTimer] = []
    private var signals: [UVSignal] = []
    private var check: ChildCommand?
    /// Wakes the supervisor when an image may start again (a back-off ends, a token comes).
    private var wake: UVTimer?
    /// Images verified by this run (each once, whatever lines share it), and those that failed:
    /// what the circuit breaker counts. Invalid lines were never pulled, and do not count.
    private var verified = 0
    private var failedVerifications = 0
    /// When ``watch()`` last ran (monotonic seconds).
    private var lastWatch = MonotonicClock.seconds()
    /// The filesystem the client pulls into, for the disk guard.
    private var dataRoot: String?
    private var diskGuard: DiskGuard?
    /// The bar or the progress lines, from ``run()`` until the loop ends.
    private var progress: ProgressDisplay?
    /// The list, read as the run goes.
    private let list: ListSource
    private var lines: LineReader
    private var planner: ListPlanner
    /// Plans the next chunk of the list while the run goes.
    private var planning: UVTimer?
    /// Records of invalid lines planned before the daemon check: written once it has passed.
    private var invalidBeforeRun: [ImageRecord] = []
    /// The jobs handed out and not yet recorded, as they were sent.
    private var handedOut: [Int: Job] = [:]

    /// Lines of the list planned in one turn of the loop: about 20 ms.
    private static let linesPerTurn = 4096

    /// Prepares a run of the list `list`, and watches SIGINT, SIGTERM and SIGHUP from now on.
    /// `history` holds the records of earlier runs when resuming.
    init(configuration: RunConfiguration, client: String, list: ListSource, history: ResultHistory?,
         writer: ResultWriter, summary: RunSummary) throws(VerifyError) {
        self.configuration = configuration
        self.client = client
        self.writer = writer
        self.summary = summary
        self.list = list
        lines = list.lines()
        planner = ListPlanner(registry: configuration.registry, history: history, retryFailed: configuration.retryFailed,
                              shard: configuration.shard, expectedLines: summary.total)
        self.summary.shard = configuration.shard
        policy = SupervisorPolicy(concurrency: configuration.concurrency, processes: configuration.processes,
                                  deadlineSeconds: configuration.supervisorDeadlineSeconds, retry: configuration.retryPolicy,
                                  limiter: StartRateLimiter(ceiling: configuration.rate))
        dataRoot = configuration.dataRoot
        diskGuard = configuration.minFree.map(DiskGuard.init)
        loop = try UVLoop()
        do { try Posix.becomeChildSubreaper() } catch { throw .workersFailing("\(error)") }
        for signum in [SIGINT, SIGTERM, SIGHUP] {
            signals.append(UVSignal(loop: loop, signal: signum) { [self] in interrupt() })
        }
    }

    /// Writes a record for an image that needs no worker (an invalid line).
    private func record(_ record: ImageRecord) throws(VerifyError) {
        try writer.write(record)
        summary.add(record)
    }

    // MARK: Planning

    /// Plans the start of the list: until every worker's window can be filled, or many invalid
    /// lines wait to be written, or the list ends (a resumed run whose lines all have results reads
    /// it to the end here).
    ///
    /// - Returns: whether any image may be verified: if not, the run needs no daemon and no worker
    ///   (for the docker client, the lines not planned yet are looked at too).
    func planStart() throws(VerifyError) -> Bool {
        let wanted = configuration.processes * configuration.concurrency
        while !policy.planningDone && policy.jobCount < wanted && invalidBeforeRun.count < 1000 {
            try planLines(Self.linesPerTurn)
        }
        // Stopped by the invalid lines it holds before any job: a list that has none to verify
        // further on needs no daemon either (only the docker client asks one).
        if !policy.planningDone && policy.jobCount == 0 && configuration.clientKind == .docker {
            return try linesAheadMayNeedVerification()
        }
        return policy.hasWork
    }

    /// Whether a line not planned yet could need verifying (``ListPlanner/mayVerify(_:)``), read
    /// with a copy of the list's reader, which leaves its place as it is.
    private func linesAheadMayNeedVerification() throws(VerifyError) -> Bool {
        var ahead = lines
        while let line = try next(&ahead) {
            if planner.mayVerify(line) { return true }
        }
        return false
    }

    /// The next line of the list from `reader`; a read that fails is the list's error.
    private func next(_ reader: inout LineReader) throws(VerifyError) -> LineReader.Line? {
        do { return try reader.next() } catch {
            throw .listUnreadable(path: list.path, reason: String(cString: strerror(error.code)))
        }
    }

    /// Plans up to `count` more lines of the list.
    private func planLines(_ count: Int) throws(VerifyError) {
        for _ in 0..<count {
            guard let line = try next(&lines) else { return planningEnded() }
            switch planner.plan(line, isOpen: { [self] in policy.isOpen($0) }) {
            case .skipped:
                break
            case .duplicate(let duplicate):
                summary.duplicates.append(duplicate)
                summary.total -= 1
            case .earlier(let status):
                summary.addEarlier(status)
            case .invalid(let record):
                if case .checking = state { invalidBeforeRun.append(record) } else { try self.record(record) }
            case .job(let job, let first):
                policy.add(sharing: first)
                guard let first else { break }
                try summary.sharedPulls.append { () throws(VerifyError) in
                    let shared = try list.job(job, registry: configuration.registry)
                    let earlier = try list.job(planner.jobs[first], registry: configuration.registry)
                    return RunSummary.SharedPull(line: shared.line, text: shared.text, firstLine: earlier.line, firstText: earlier.text)
                }
            }
        }
    }

    /// Every line is planned: the totals are exact from now on.
    private func planningEnded() {
        policy.planningDone = true
        summary.total = planner.entries
        summary.recordsForOtherLines = planner.unmatchedRecords
        summary.otherShardLines = planner.otherShards
        planning?.close()
        planning = nil
    }

    /// One turn's planning, while the run goes.
    private func planMore() {
        guard case .running = state else {
            planning?.close()
            planning = nil
            return
        }
        do { try planLines(Self.linesPerTurn) } catch { return stop(.error(error)) }
        feedAll()
        finishIfDone()
    }

    // MARK: Daemon check

    /// Runs `docker version` once, so that an unreachable daemon is one clear error, not an error
    /// for every image. The client is started bound to verify (``ParentBoundExec``), so even a
    /// SIGKILLed verify leaves no hung check behind.
    ///
    /// - Returns: `false` when a signal interrupted the check (its client is killed).
    /// - Throws: ``VerifyError/daemonUnavailable(_:)`` when the daemon does not answer in time.
    func checkDaemon() throws(VerifyError) -> Bool {
        guard try ask(["version", "--format", "{{.Server.Version}}"]) != nil else { return false }
        if configuration.minFree != nil && dataRoot == nil {
            guard let root = try ask(["info", "--format", "{{.DockerRootDir}}"]) else { return false }
            dataRoot = root.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return true
    }

    /// Runs the client with `arguments` (bound to verify), within the check's time; returns what it
    /// printed on stdout, or `nil` when a signal interrupted it.
    private func ask(_ arguments: [String]) throws(VerifyError) -> String? {
        let seconds = min(max(configuration.timeoutSeconds, 10), 60)
        let command = "\(client) \(arguments[0])"
        var outcome: CommandOutcome?
        var timedOut = false
        let timer = UVTimer(loop: loop)
        check = try ChildCommand(loop: loop, executable: "/proc/self/exe", arguments: ParentBoundExec.arguments(running: client, arguments),
                                 drainMilliseconds: milliseconds(configuration.drainSeconds), spawn: .libuv) { result in
            outcome = result
            timer.close()
        }
        timer.schedule(after: milliseconds(seconds)) { [self] in
            timedOut = true
            check?.signalGroup(SIGKILL)
        }
        loop.run()
        check = nil
        if case .stopping = state { return nil }
        guard let outcome else { throw .eventLoop("\(command) did not finish") }
        if timedOut { throw .daemonUnavailable("\(command) did not answer within \(seconds.formatted()) s") }
        if !outcome.succeeded { throw .daemonUnavailable(ImagePipeline.summary(of: outcome, command: command)) }
        return outcome.stdout.text
    }

    // MARK: Running

    /// Verifies every job; returns once each has a result or the run was stopped.
    func run() -> RunOutcome {
        if case .checking = state { state = .running }
        do {
            for record in invalidBeforeRun { try self.record(record) }
        } catch {
            return .failed(error, summary)
        }
        invalidBeforeRun = []
        guard policy.hasWork else { return .completed(summary) }
        progress = ProgressDisplay(loop: loop, style: configuration.progress.style(
            on: .current, intervalSeconds: configuration.progressIntervalSeconds)) { [self] in summary }
        let wake = UVTimer(loop: loop)
        wake.unref()
        self.wake = wake
        timers.append(wake)
        lastWatch = MonotonicClock.seconds()
        let watchdog = UVTimer(loop: loop)
        watchdog.schedule(after: 1000, repeating: 1000) { [self] in watch() }
        watchdog.unref()
        timers.append(watchdog)
        if !policy.planningDone {
            let planning = UVTimer(loop: loop)
            planning.schedule(after: 0, repeating: 1) { [self] in planMore() }
            self.planning = planning
        }
        guardDisk()
        if case .running = state {
            let workers = policy.planningDone ? min(configuration.processes, policy.jobCount) : configuration.processes
            for index in 1...max(1, workers) {
                startWorker(index: index)
            }
        }
        loop.run()
        switch state {
        case .checking, .running, .finishing: return .completed(summary)
        case .stopping(.error(let error)): return .failed(error, summary)
        case .stopping(.tripped(let reason)): return .tripped(reason, summary)
        case .stopping(.signal): return .interrupted(summary)
        }
    }

    private func startWorker(index: Int) {
        let worker = WorkerConfiguration(configuration, index: index, client: client, supervisorPID: getpid())
        let pipe = UVPipe(loop: loop)
        var exited: ((Termination) -> Void)?
        let process: UVProcess
        do {
            let encoded = String(decoding: try JSONEncoder().encode(worker), as: UTF8.self)
            process = try UVProcess(
                loop: loop, executable: "/proc/self/exe", arguments: ["verify", WorkerProcess.flag, encoded],
                stdio: [.ignore, .inherit(STDOUT_FILENO), .inherit(STDERR_FILENO),
                        .pipe(pipe, childReads: true, childWrites: true)],
                detached: false, onExit: { exited?($0) })
        } catch {
            pipe.close()
            return stop(.error(.workersFailing("cannot start worker \(index): \(error)")))
        }
        orphans.clientStarted(process.pid)
        let handle = WorkerHandle(index: index, process: process, channel: MessageChannel(pipe: pipe))
        exited = { [self] termination in
            handle.termination = termination
            orphans.clientCompleted(handle.process.pid)
            handle.process.close()
            retireIfGone(handle)
        }
        handle.channel.start(onMessage: { [self] in received($0, from: handle) }, onEnd: { [self] in
            handle.channelEnded = true
            handle.channel.close()
            retireIfGone(handle)
        })
        workers[index] = handle
        feed(handle)
    }

    /// Hands `worker` images until its window is full, no image is left, or the start rate says
    /// wait; then sets the wake-up for the next image that waits for time.
    private func feed(_ worker: WorkerHandle) {
        guard case .running = state else { return }
        let now = MonotonicClock.seconds()
        let cuts = policy.limiter.cuts.count
        for id in policy.assign(to: worker.index, now: now) {
            let job: Job
            do { job = try list.job(planner.jobs[id], registry: configuration.registry) } catch { return stop(.error(error)) }
            handedOut[id] = job
            worker.channel.send(.verify(id: id, reference: job.pull))
        }
        reportRateChanges(since: cuts)
        scheduleWake(now: now)
    }

    /// Hands every worker what it may take now.
    private func feedAll() {
        for worker in workers.values.sorted(by: { $0.index < $1.index }) { feed(worker) }
    }

    private func scheduleWake(now: Double) {
        guard let wake, let at = policy.nextStart(now: now) else { return }
        wake.schedule(after: max(1, milliseconds(at - now))) { [self] in feedAll() }
    }

    /// Says each cut of the start rate since the `count`th, and each start or end of pacing to
    /// the registry's pull quota, as it happens.
    private func reportRateChanges(since count: Int) {
        for cut in policy.limiter.cuts.dropFirst(count) {
            Console.line("verify: a registry answered rate-limited; starts are slowed to \(String(format: "%.2f", cut.rate))/s for all workers")
        }
        let pace = policy.limiter.quotaPace
        if (pace != nil) != summary.quotaPaced, let quota = summary.quota {
            summary.quotaPaced = pace != nil
            let left = "\(quota.remaining.map(String.init) ?? "?") of \(quota.limit) pulls left"
            Console.line(pace.map { "verify: the registry's pull quota (\(left)) will not last the images still to verify; starts are paced to it, \(StartRateLimiter.describe($0))" }
                ?? "verify: the registry's pull quota (\(left)) covers the images still to verify; starts are no longer paced to it")
        }
        summary.rateCuts = policy.limiter.cuts.map(\.rate)
        summary.startRate = policy.limiter.effectiveRate
    }

    private func received(_ message: WorkerMessage, from worker: WorkerHandle) {
        guard case .running = state else { return }
        switch message {
        case .childStarted(let id, let group):
            worker.processGroups[id] = group
        case .finished(let id, let verdict, let startedAt, let finishedAt):
            if verdict.category == .daemonUnavailable {
                // Not this image's fault: it stays unrecorded, counted as in flight when stopped.
                return stop(.error(.daemonUnavailable(verdict.message ?? "no message")))
            }
            let cuts = policy.limiter.cuts.count
            if let registry = verdict.registry { summary.addAttempt(registry) }
            let finish = policy.finished(id, by: worker.index, verdict: verdict, now: MonotonicClock.seconds(),
                                         unit: Double.random(in: 0..<1))
            reportRateChanges(since: cuts)
            switch finish {
            case .ignored:
                return
            case .retry:
                worker.processGroups[id] = nil
                summary.retried.insert(id)
            case .record(let group):
                worker.processGroups[id] = nil
                record(group, verdict, worker: worker.index, startedAt: Date(timeIntervalSince1970: startedAt),
                       finishedAt: Date(timeIntervalSince1970: finishedAt))
                if verdict.status == .good && summary.retried.contains(id) { summary.goodAfterRetry += 1 }
                verified += 1
                if verdict.status != .good { failedVerifications += 1 }
                checkFailureLimit()
            }
            feed(worker)
            finishIfDone()
        }
    }

    /// Called when a worker's process has exited or its channel ended; acts once both have.
    private func retireIfGone(_ worker: WorkerHandle) {
        guard worker.termination != nil, worker.channelEnded, workers[worker.index] === worker else { return }
        workers[worker.index] = nil
        if case .running = state {
            replaceLost(worker)
        } else if workers.isEmpty {
            wrapUp()
        }
    }

    /// A worker died mid-run, or was killed as hung. Its clients' process groups are killed first,
    /// and whatever it left behind (reparented here) too, so that no image is ever pulled twice at
    /// once; then each image it had in flight runs again once, and becomes a `worker-crashed`
    /// error if it was already on its second try.
    private func replaceLost(_ worker: WorkerHandle) {
        worker.killClients()
        ChildProcesses.sweep(&orphans, inFlight: [])
        let held = policy.images(heldBy: worker.index).count
        Console.line("verify: worker \(worker.index) \(worker.endedHow) with \(held) images in flight; starting a new one")
        let loss = policy.workerEnded(worker.index)
        let now = Date()
        verified += loss.failed.count
        failedVerifications += loss.failed.count
        for id in loss.failed {
            record(policy.group(of: id), .error(.workerCrashed, "worker \(worker.index) \(worker.endedHow) while verifying this image, on its second try"),
                   worker: worker.index, startedAt: now, finishedAt: now)
        }
        guard case .running = state else { return }
        if loss.givingUp {
            return stop(.error(.workersFailing("\(policy.crashBudget + 1) workers in a row ended without finishing an image; the last \(worker.endedHow)")))
        }
        if policy.hasWork { startWorker(index: worker.index) }
        feedAll()
        checkFailureLimit()
        finishIfDone()
    }

    /// Once a second: kill workers that hold an image past its supervisor deadline (stopped, or
    /// hung), and end what dead workers left behind. Time the supervisor itself did not run
    /// (stopped with its job, Ctrl-Z and `fg`) is given back to every deadline first: the workers'
    /// answers have waited in their channels meanwhile.
    private func watch() {
        let now = MonotonicClock.seconds()
        defer { lastWatch = now }
        guard case .running = state else { return }
        let overslept = now - lastWatch - 1
        if overslept > 0.5 { policy.postponeDeadlines(by: overslept) }
        guardDisk()
        for index in policy.overdueWorkers(now: now) {
            guard let worker = workers[index], worker.termination == nil, !worker.killedAsHung else { continue }
            worker.killedAsHung = true
            Console.line("verify: worker \(index) has held an image for more than \(configuration.supervisorDeadlineSeconds.formatted()) s without an answer; killing it as hung")
            worker.signal(SIGKILL)
        }
        ChildProcesses.sweep(&orphans, inFlight: [])
    }

    /// Pauses starts while the data root has less than `--min-free`, and resumes them after.
    private func guardDisk() {
        guard var diskGuard, let dataRoot else { return }
        let free: UInt64
        do { free = try Posix.freeSpace(dataRoot) } catch {
            return stop(.error(.invalidOption(flag: "--data-root", reason: "\(error)")))
        }
        let change = diskGuard.observe(free: free)
        self.diskGuard = diskGuard
        switch change {
        case .paused?:
            policy.startsPaused = true
            summary.pausedForDisk = true
            Console.line("verify: paused: \(dataRoot) has \(ByteSize(bytes: free)) free, below --min-free \(diskGuard.minimum); starts resume when it recovers")
        case .resumed?:
            policy.startsPaused = false
            summary.pausedForDisk = false
            Console.line("verify: resumed: \(dataRoot) has \(ByteSize(bytes: free)) free")
            feedAll()
        case nil:
            break
        }
    }

    // MARK: Results

    /// Records `verdict` for the jobs `ids` (an image and those that share its pull).
    private func record(_ ids: [Int], _ verdict: Verdict, worker: Int, startedAt: Date, finishedAt: Date) {
        guard let verified = handedOut.removeValue(forKey: ids[0]) else { preconditionFailure("a recorded image was handed out") }
        defer { policy.forget(ids[0]) }
        for (position, id) in ids.enumerated() {
            let job: Job
            do { job = position == 0 ? verified : try list.job(planner.jobs[id], registry: configuration.registry) } catch {
                unwritten += ids.count - position
                return stop(.error(error))
            }
            var record = ImageRecord(reference: job.text, line: job.line, pulled: job.pull, verdict: verdict, worker: worker,
                                     attempts: policy.attempts(of: ids[0]), startedAt: startedAt, finishedAt: finishedAt,
                                     sameAs: position == 0 ? nil : verified.text)
            record.failedAttempts = policy.failedAttempts(of: ids[0])
            do { try self.record(record) } catch {
                unwritten += ids.count - position
                return stop(.error(error))
            }
        }
    }

    /// Trips the circuit breaker once `--max-failures` is reached by the images this run verified.
    private func checkFailureLimit() {
        guard case .running = state, let limit = configuration.maxFailures,
              let reason = limit.trips(failed: failedVerifications, done: verified) else { return }
        Console.line("verify: stopping: \(reason); \(Self.howToContinue(retryFailed: configuration.retryFailed))")
        summary.tripReason = "\(reason); \(Self.howToContinue(retryFailed: configuration.retryFailed))"
        stop(.tripped(reason))
    }

    /// What continues a run that the circuit breaker stopped.
    static func howToContinue(retryFailed: Bool) -> String {
        retryFailed
            ? "--resume continues with the lines not yet verified; --retry-failed tries the failed ones again, first to last, once the registry has recovered"
            : "--resume continues where this run stopped"
    }

    private func finishIfDone() {
        guard case .running = state, policy.isComplete else { return }
        state = .finishing
        // End of file on its channel tells an idle worker to exit; one that does not (stopped,
        // hung) is killed after the grace and the drain time.
        for worker in workers.values {
            worker.channelEnded = true
            worker.channel.close()
        }
        killLingeringWorkers(after: configuration.killGraceSeconds + configuration.drainSeconds + 5)
        if workers.isEmpty { wrapUp() }
    }

    /// SIGKILLs, after `seconds`, every worker that has not exited by then.
    private func killLingeringWorkers(after seconds: Double) {
        let backstop = UVTimer(loop: loop)
        backstop.schedule(after: milliseconds(seconds)) { [self] in
            for worker in workers.values { worker.signal(SIGKILL) }
        }
        timers.append(backstop)
    }

    // MARK: Stopping

    private func interrupt() {
        if case .finishing = state {
            // Every image has its result: a signal only hurries the workers that are slow to go.
            for worker in workers.values { worker.signal(SIGKILL) }
            return
        }
        if case .stopping = state {
            // A second Ctrl-C: no waiting, but still no orphan.
            check?.signalGroup(SIGKILL)
            for worker in workers.values {
                worker.killClients()
                worker.signal(SIGKILL)
            }
            ChildProcesses.endAll(&orphans)
            // What --overwrite prepared goes, as it would on the way out of a normal stop.
            writer.close()
            progress?.stop()
            Console.line(summary.report())
            exit(ExitStatus.interrupted.rawValue)
        }
        Console.line("verify: interrupted; stopping the workers and their clients (Ctrl-C again to exit at once)")
        stop(.signal)
    }

    /// Stops handing out work, kills every client's process group, and lets the workers go.
    private func stop(_ reason: Stop) {
        if case .stopping = state { return }
        let checking: Bool
        if case .checking = state { checking = true } else { checking = false }
        if case .error(let error) = reason { Console.line("verify: error: \(error)") }
        state = .stopping(reason)
        summary.interrupted = policy.remaining - policy.neverStarted + unwritten
        // Lines not planned yet were never started either (the total counts them, still unsure of duplicates).
        summary.notStarted = policy.neverStarted + (policy.planningDone ? 0 : max(0, summary.total - planner.entries))
        if checking {
            check?.signalGroup(SIGKILL)
            return
        }
        for worker in workers.values {
            worker.killClients()
            worker.signal(SIGTERM)
            worker.channelEnded = true
            worker.channel.close()
        }
        killLingeringWorkers(after: configuration.killGraceSeconds)
        if workers.isEmpty { wrapUp() }
    }

    /// Lets the loop end, after ending whatever the workers left behind. The signal watchers stay
    /// open (they do not keep the loop alive): closing one restores the default action, and a
    /// second Ctrl-C would then kill verify before it has printed its summary and exited 130.
    private func wrapUp() {
        timers.forEach { $0.close() }
        planning?.close()
        planning = nil
        progress?.stop()
        progress = nil
        ChildProcesses.endAll(&orphans)
    }
}
