#if canImport(Glibc)
import Glibc
#endif
import CLibUV

/// A worker process of the default engine: one single-threaded libuv loop that keeps the images the
/// supervisor hands it in flight, and reports each client's process group and each verdict back.
///
/// The worker never outlives the supervisor: end of file on its channel, or the parent-death
/// signal, makes it kill its clients' process groups and exit.
public final class UVWorker {
    /// The descriptor on which a worker finds its channel to the supervisor.
    public static let channelDescriptor: Int32 = 3

    private let configuration: WorkerConfiguration
    private let loop: UVLoop
    private let channel: MessageChannel<SupervisorMessage, WorkerMessage>
    private var runs: [Int: ImageRun] = [:]
    private var signals: [UVSignal] = []

    /// Prepares the worker; call ``run()`` next.
    public init(configuration: WorkerConfiguration) throws(VerifyError) {
        self.configuration = configuration
        verify_set_parent_death_signal(SIGTERM)
        guard getppid() == configuration.supervisorPID else {
            throw .workersFailing("worker \(configuration.index) started after its supervisor ended")
        }
        // ProcessSetup has made it close-on-exec, like every inherited descriptor.
        guard fcntl(Self.channelDescriptor, F_GETFD) != -1 else {
            throw .workersFailing("worker \(configuration.index) has no channel on descriptor \(Self.channelDescriptor); it is started by verify itself")
        }
        loop = try UVLoop()
        let pipe = UVPipe(loop: loop)
        try pipe.open(descriptor: Self.channelDescriptor)
        channel = MessageChannel(pipe: pipe)
    }

    /// Runs until the supervisor closes the channel; returns the process exit status.
    public func run() -> Int32 {
        // Ctrl-C reaches the whole foreground group; the supervisor decides what it means.
        signals.append(UVSignal(loop: loop, signal: SIGINT) {})
        for terminating in [SIGTERM, SIGHUP] {
            signals.append(UVSignal(loop: loop, signal: terminating) { [self] in abandon() })
        }
        channel.start(onMessage: { [self] in handle($0) }, onEnd: { [self] in supervisorClosed() })
        loop.run()
        return 0
    }

    private func handle(_ message: SupervisorMessage) {
        switch message {
        case .verify(let id, let text):
            let reference: ImageReference
            do { reference = try ImageReference(parsing: text) } catch {
                channel.send(.finished(id: id, verdict: .error(.invalidReference, error.reason), startedAt: 0, finishedAt: 0))
                return
            }
            let run = ImageRun(id: id, reference: reference, loop: loop, configuration: configuration, events: events)
            runs[id] = run
            run.start()
        }
    }

    private var events: WorkerEvents {
        WorkerEvents(
            childStarted: { [channel] id, group in channel.send(.childStarted(id: id, processGroup: group)) },
            childEnded: { [channel] id, group in channel.send(.childEnded(id: id, processGroup: group)) },
            finished: { [self] id, verdict, startedAt, finishedAt in
                runs[id] = nil
                channel.send(.finished(id: id, verdict: verdict, startedAt: startedAt.timeIntervalSince1970,
                                       finishedAt: finishedAt.timeIntervalSince1970))
            })
    }

    private func supervisorClosed() {
        guard runs.isEmpty else { abandon() }
        channel.close()
        signals.forEach { $0.close() }
    }

    /// The supervisor is gone or wants us gone: no client may outlive this process.
    private func abandon() -> Never {
        for run in runs.values { run.kill() }
        exit(1)
    }
}
