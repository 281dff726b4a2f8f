#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One image going through its ``ImagePipeline`` under one timeout for all steps, on either engine.
///
/// When the timeout fires, the running client's whole process group gets SIGTERM, and SIGKILL
/// after the grace period. The image is finished only once that client has exited and its pipes
/// are closed, so the window never holds more live clients than it admits.
///
/// A client is judged by when it exited, not by when this worker got round to it: if the worker
/// was stopped (SIGSTOP, a laptop's sleep) past the deadline, a client that had already exited, or
/// a step started after the deadline passed unnoticed, is not a timeout; the time the worker slept
/// past the deadline (at least the drain time) is given back to the image.
final class ImageRun<Backend: EngineBackend>: ImageRunning {
    let id: Int
    private let backend: Backend
    private let configuration: WorkerConfiguration
    private var pipeline: ImagePipeline
    private let events: WorkerEvents
    private let startedAt = Date()
    private var command: Backend.Command?
    private var deadline: Backend.Timer?
    private var deadlineAt = 0.0
    private var stepStartedAt = 0.0
    private var killTimer: Backend.Timer?
    private var timedOut = false

    init(id: Int, reference: ImageReference, backend: Backend, configuration: WorkerConfiguration, events: WorkerEvents) {
        self.id = id
        self.backend = backend
        self.configuration = configuration
        self.events = events
        pipeline = ImagePipeline(reference: reference, keep: configuration.keep)
    }

    func start() {
        armDeadline(after: configuration.timeoutSeconds)
        runCurrentStep()
    }

    /// Kills the running client's process group at once; used when the worker shuts down.
    func kill() {
        command?.signalGroup(SIGKILL)
    }

    private func armDeadline(after seconds: Double) {
        deadlineAt = MonotonicClock.seconds() + seconds
        deadline = backend.schedule(after: seconds) { [self] in deadlineReached() }
    }

    private func runCurrentStep() {
        stepStartedAt = MonotonicClock.seconds()
        do {
            let command = try backend.startCommand(arguments: pipeline.arguments) { [self] outcome in
                stepEnded(outcome)
            }
            self.command = command
            events.childStarted(id, command.processGroup)
        } catch {
            finish(.error(.other, "\(error)", step: pipeline.step))
        }
    }

    private func stepEnded(_ outcome: CommandOutcome) {
        command = nil
        killTimer?.cancel()
        killTimer = nil
        if timedOut { return finish(pipeline.timedOut(after: configuration.timeoutSeconds, outcome: outcome)) }
        switch pipeline.advance(after: outcome) {
        case .run: runCurrentStep()
        case .finished(let verdict): finish(verdict)
        }
    }

    private func deadlineReached() {
        deadline = nil
        if let command, stepStartedAt > deadlineAt || Posix.hasExited(command.processGroup) {
            // The client exited before the worker noticed the deadline, and its end is on the way
            // (within the drain time); or the step started after the deadline, because its
            // predecessor's end was seen before the deadline was. The time the worker slept past
            // the deadline was not the image's.
            let overslept = MonotonicClock.seconds() - deadlineAt
            return armDeadline(after: max(overslept, configuration.drainSeconds))
        }
        timedOut = true
        command?.signalGroup(SIGTERM)
        killTimer = backend.schedule(after: configuration.killGraceSeconds) { [self] in
            command?.signalGroup(SIGKILL)
        }
    }

    private func finish(_ verdict: Verdict) {
        deadline?.cancel()
        deadline = nil
        events.finished(id, verdict, startedAt, Date())
    }
}
