import Foundation

/// What every worker does, whichever engine runs it: keep the images the supervisor hands it in
/// flight, report each client's process group and each verdict back, and end the orphans that
/// its clients leave behind (the worker is their subreaper).
///
/// All calls happen on the engine's one serial context.
final class WorkerCore<Backend: EngineBackend> {
    private let configuration: WorkerConfiguration
    private let backend: Backend
    private let send: (WorkerMessage) -> Void
    private var runs: [Int: any ImageRunning] = [:]
    /// Makes the run of a registry check, when the client is the registry (`--client registry`).
    private let registryRun: ((Int, ImageReference, WorkerEvents) -> any ImageRunning)?
    /// Each image's current client (its PID, which is also its process group).
    private var clients: [Int: Int32] = [:]
    private var orphans = OrphanLedger()

    /// `send` delivers a message to the supervisor; `registryRun`, when given, makes each image's
    /// run instead of a client pipeline.
    init(configuration: WorkerConfiguration, backend: Backend, send: @escaping (WorkerMessage) -> Void,
         registryRun: ((Int, ImageReference, WorkerEvents) -> any ImageRunning)? = nil) {
        self.configuration = configuration
        self.backend = backend
        self.send = send
        self.registryRun = registryRun
    }

    /// No image is in flight.
    var isIdle: Bool { runs.isEmpty }

    func handle(_ message: SupervisorMessage) {
        switch message {
        case .verify(let id, let text):
            let reference: ImageReference
            do { reference = try ImageReference(parsing: text) } catch {
                send(.finished(id: id, verdict: .error(.invalidReference, error.reason), startedAt: 0, finishedAt: 0))
                return
            }
            let run = registryRun?(id, reference, events)
                ?? ImageRun(id: id, reference: reference, backend: backend, configuration: configuration, events: events)
            runs[id] = run
            run.start()
        }
    }

    /// A process the worker started for itself, not an image's client (a credential helper):
    /// no orphan, and reaped by whoever started it, never by a sweep.
    func ownChildStarted(_ pid: Int32) {
        orphans.clientStarted(pid)
    }

    /// The process of ``ownChildStarted(_:)`` has been reaped.
    func ownChildEnded(_ pid: Int32) {
        orphans.clientCompleted(pid)
    }

    /// Kills every running client's process group and every orphan: the supervisor is gone or
    /// wants us gone.
    func killAll() {
        for run in runs.values { run.kill() }
        endOrphans()
    }

    /// Kills and reaps every orphan left, whatever is in flight; for a worker about to exit.
    func endOrphans() {
        ChildProcesses.endAll(&orphans)
    }

    private var events: WorkerEvents {
        WorkerEvents(
            childStarted: { [self] id, group in
                if let previous = clients[id] { orphans.clientCompleted(previous) }
                clients[id] = group
                orphans.clientStarted(group)
                send(.childStarted(id: id, processGroup: group))
            },
            finished: { [self] id, verdict, startedAt, finishedAt in
                runs[id] = nil
                if let client = clients.removeValue(forKey: id) { orphans.clientCompleted(client) }
                orphans.imageFinished(id)
                send(.finished(id: id, verdict: verdict, startedAt: startedAt.timeIntervalSince1970,
                               finishedAt: finishedAt.timeIntervalSince1970))
                ChildProcesses.sweep(&orphans, inFlight: Set(runs.keys))
            })
    }
}
