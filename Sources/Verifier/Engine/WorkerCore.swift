import Foundation

/// What every worker does, whichever engine runs it: keep the images the supervisor hands it in
/// flight, and report each client's process group and each verdict back.
///
/// All calls happen on the engine's one serial context.
final class WorkerCore<Backend: EngineBackend> {
    private let configuration: WorkerConfiguration
    private let backend: Backend
    private let send: (WorkerMessage) -> Void
    private var runs: [Int: ImageRun<Backend>] = [:]

    /// `send` delivers a message to the supervisor.
    init(configuration: WorkerConfiguration, backend: Backend, send: @escaping (WorkerMessage) -> Void) {
        self.configuration = configuration
        self.backend = backend
        self.send = send
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
            let run = ImageRun(id: id, reference: reference, backend: backend, configuration: configuration, events: events)
            runs[id] = run
            run.start()
        }
    }

    /// Kills every running client's process group: the supervisor is gone or wants us gone.
    func killAll() {
        for run in runs.values { run.kill() }
    }

    private var events: WorkerEvents {
        WorkerEvents(
            childStarted: { [send] id, group in send(.childStarted(id: id, processGroup: group)) },
            finished: { [self] id, verdict, startedAt, finishedAt in
                runs[id] = nil
                send(.finished(id: id, verdict: verdict, startedAt: startedAt.timeIntervalSince1970,
                               finishedAt: finishedAt.timeIntervalSince1970))
            })
    }
}
