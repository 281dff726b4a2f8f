#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs the worker processes, hands them images as their windows free up, collects their
/// verdicts, and is the only writer of results.
///
/// Workers are this same executable started again in worker mode (never a bare fork), on one
/// libuv loop shared with the supervisor's signals and timers; so libuv is the only reaper here.
final class Supervisor {
    private enum State {
        case running
        /// Every image has a result; the workers are being let go.
        case finishing
        /// Stopping early; no further result is written.
        case stopping(interrupted: Bool, error: VerifyError?)
    }

    private let configuration: RunConfiguration
    private let client: String
    private let loop: UVLoop
    private let writer: ResultWriter
    private(set) var summary: RunSummary
    private var jobs: [Job]
    private var nextJob = 0
    private var retries: [Int] = []
    private var remaining: Int
    private var workers: [Int: WorkerHandle] = [:]
    private var state = State.running
    private var crashesWithoutProgress = 0
    private var timers: [UVTimer] = []
    private var signals: [UVSignal] = []

    /// Prepares a run of `jobs`, and checks that the client's daemon answers.
    ///
    /// - Throws: ``VerifyError/daemonUnavailable(_:)`` when it does not.
    init(configuration: RunConfiguration, client: String, jobs: [Job], writer: ResultWriter, summary: RunSummary) throws(VerifyError) {
        self.configuration = configuration
        self.client = client
        self.jobs = jobs
        self.writer = writer
        self.summary = summary
        remaining = jobs.count
        loop = try UVLoop()
        try checkDaemon()
    }

    /// Writes a record for an image that needs no worker (an invalid line).
    func record(_ record: ImageRecord) throws(VerifyError) {
        try writer.write(record)
        summary.add(record)
    }

    /// Verifies every job; returns once each has a result or the run was stopped.
    func run() -> RunOutcome {
        for signum in [SIGINT, SIGTERM, SIGHUP] {
            signals.append(UVSignal(loop: loop, signal: signum) { [self] in interrupt() })
        }
        let interval = milliseconds(configuration.progressIntervalSeconds)
        if interval > 0 {
            let progress = UVTimer(loop: loop)
            progress.schedule(after: interval, repeating: interval) { [self] in
                Console.line(summary.progressLine())
            }
            progress.unref()
            timers.append(progress)
        }
        for index in 1...max(1, min(configuration.processes, jobs.count)) {
            startWorker(index: index)
        }
        loop.run()
        switch state {
        case .running, .finishing: return .completed(summary)
        case .stopping(_, let error?): return .failed(error, summary)
        case .stopping: return .interrupted(summary)
        }
    }

    // MARK: Workers

    private func startWorker(index: Int) {
        let worker = WorkerConfiguration(
            engine: configuration.engine, spawn: configuration.spawn, index: index, client: client, concurrency: configuration.concurrency,
            timeoutSeconds: configuration.timeoutSeconds, killGraceSeconds: configuration.killGraceSeconds,
            drainSeconds: configuration.drainSeconds, keep: configuration.keep, supervisorPID: getpid())
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
            return stop(error: .workersFailing("cannot start worker \(index): \(error)"))
        }
        let handle = WorkerHandle(index: index, process: process, channel: MessageChannel(pipe: pipe))
        exited = { [self] termination in
            handle.termination = termination
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

    /// Hands `worker` images until its window is full or no image is left.
    private func feed(_ worker: WorkerHandle) {
        guard case .running = state else { return }
        while worker.inFlight.count < configuration.concurrency, let id = takeJob() {
            jobs[id].attempts += 1
            worker.inFlight.insert(id)
            worker.channel.send(.verify(id: id, reference: jobs[id].pull))
        }
    }

    private func takeJob() -> Int? {
        if !retries.isEmpty { return retries.removeFirst() }
        guard nextJob < jobs.count else { return nil }
        defer { nextJob += 1 }
        return nextJob
    }

    private func received(_ message: WorkerMessage, from worker: WorkerHandle) {
        guard case .running = state else { return }
        switch message {
        case .childStarted(let id, let group):
            worker.processGroups[id] = group
        case .finished(let id, let verdict, let startedAt, let finishedAt):
            guard worker.inFlight.remove(id) != nil else { return }
            worker.processGroups[id] = nil
            crashesWithoutProgress = 0
            if verdict.category == .daemonUnavailable {
                return stop(error: .daemonUnavailable(verdict.message ?? "no message"))
            }
            finish(id, verdict, worker: worker.index, startedAt: Date(timeIntervalSince1970: startedAt),
                   finishedAt: Date(timeIntervalSince1970: finishedAt))
            feed(worker)
            finishIfDone()
        }
    }

    /// Called when a worker's process has exited or its channel ended; acts once both have.
    private func retireIfGone(_ worker: WorkerHandle) {
        guard worker.termination != nil, worker.channelEnded, workers[worker.index] === worker else { return }
        workers[worker.index] = nil
        if case .running = state {
            replaceCrashed(worker)
        } else if workers.isEmpty {
            wrapUp()
        }
    }

    /// A worker died mid-run. Its clients' process groups are killed first, so that no image is
    /// ever pulled twice at once; then each image it had in flight runs again once, and becomes
    /// a `worker-crashed` error if it was already on its second try.
    private func replaceCrashed(_ worker: WorkerHandle) {
        worker.killClients()
        crashesWithoutProgress += 1
        Console.line("verify: worker \(worker.index) \(worker.endedHow) with \(worker.inFlight.count) images in flight; starting a new one")
        let now = Date()
        for id in worker.inFlight.sorted() {
            if jobs[id].attempts >= 2 {
                finish(id, .error(.workerCrashed, "worker \(worker.index) \(worker.endedHow) while verifying this image, on its second try"),
                       worker: worker.index, startedAt: now, finishedAt: now)
            } else {
                retries.append(id)
            }
        }
        guard case .running = state else { return }
        if crashesWithoutProgress > 2 * configuration.processes + 2 {
            return stop(error: .workersFailing("\(crashesWithoutProgress) workers in a row ended without finishing an image; the last \(worker.endedHow)"))
        }
        if !retries.isEmpty || nextJob < jobs.count { startWorker(index: worker.index) }
        for other in workers.values { feed(other) }
        finishIfDone()
    }

    // MARK: Results

    private func finish(_ id: Int, _ verdict: Verdict, worker: Int, startedAt: Date, finishedAt: Date) {
        let job = jobs[id]
        let record = ImageRecord(reference: job.text, line: job.line, pulled: job.pull, verdict: verdict, worker: worker,
                                 attempts: job.attempts, startedAt: startedAt, finishedAt: finishedAt)
        do { try self.record(record) } catch { return stop(error: error) }
        remaining -= 1
    }

    private func finishIfDone() {
        guard case .running = state, remaining == 0 else { return }
        state = .finishing
        // End of file on its channel tells an idle worker to exit.
        for worker in workers.values {
            worker.channelEnded = true
            worker.channel.close()
        }
        if workers.isEmpty { wrapUp() }
    }

    // MARK: Stopping

    private func interrupt() {
        if case .stopping = state {
            // A second Ctrl-C: no waiting, but still no orphan.
            for worker in workers.values {
                worker.killClients()
                kill(worker.process.pid, SIGKILL)
            }
            Console.line(summary.report())
            exit(ExitStatus.interrupted.rawValue)
        }
        Console.line("verify: interrupted; stopping the workers and their clients (Ctrl-C again to exit at once)")
        stop(interrupted: true, error: nil)
    }

    private func stop(error: VerifyError) {
        Console.line("verify: error: \(error)")
        stop(interrupted: false, error: error)
    }

    /// Stops handing out work, kills every client's process group, and lets the workers go.
    private func stop(interrupted: Bool, error: VerifyError?) {
        if case .stopping = state { return }
        state = .stopping(interrupted: interrupted, error: error)
        let inFlight = workers.values.reduce(0) { $0 + $1.inFlight.count }
        summary.interrupted = inFlight
        summary.notStarted = remaining - inFlight
        for worker in workers.values {
            worker.killClients()
            kill(worker.process.pid, SIGTERM)
            worker.channelEnded = true
            worker.channel.close()
        }
        let backstop = UVTimer(loop: loop)
        backstop.schedule(after: milliseconds(configuration.killGraceSeconds)) { [self] in
            for worker in workers.values { kill(worker.process.pid, SIGKILL) }
        }
        timers.append(backstop)
        if workers.isEmpty { wrapUp() }
    }

    /// Lets the loop end. The signal watchers stay open (they do not keep the loop alive): closing
    /// one restores the default action, and a second Ctrl-C would then kill verify before it has
    /// printed its summary and exited 130.
    private func wrapUp() {
        timers.forEach { $0.close() }
    }

    // MARK: Daemon

    /// Runs `docker version` once, so that an unreachable daemon is one clear error, not an
    /// error for every image.
    private func checkDaemon() throws(VerifyError) {
        let seconds = min(configuration.timeoutSeconds, 60)
        var outcome: CommandOutcome?
        var timedOut = false
        let timer = UVTimer(loop: loop)
        let command = try ChildCommand(loop: loop, executable: client, arguments: ["version", "--format", "{{.Server.Version}}"],
                                       drainMilliseconds: milliseconds(configuration.drainSeconds), spawn: .libuv) { result in
            outcome = result
            timer.close()
        }
        timer.schedule(after: milliseconds(seconds)) {
            timedOut = true
            command.signalGroup(SIGKILL)
        }
        loop.run()
        guard let outcome else { throw .eventLoop("docker version did not finish") }
        if timedOut { throw .daemonUnavailable("\(client) version did not answer within \(seconds.formatted()) s") }
        if !outcome.succeeded {
            throw .daemonUnavailable(ImagePipeline.summary(of: outcome, command: "\(client) version"))
        }
    }
}
