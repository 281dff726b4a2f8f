#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One image going through its ``ImagePipeline`` on a libuv loop, under one timeout for all steps.
///
/// When the timeout fires, the running client's whole process group gets SIGTERM, and SIGKILL
/// after the grace period. The image is finished only once that client has exited and its pipes
/// are closed, so the window never holds more live clients than it admits.
final class ImageRun {
    let id: Int
    private let loop: UVLoop
    private let configuration: WorkerConfiguration
    private var pipeline: ImagePipeline
    private let events: WorkerEvents
    private let startedAt = Date()
    private var command: ChildCommand?
    private let deadline: UVTimer
    private var killTimer: UVTimer?
    private var timedOut = false

    init(id: Int, reference: ImageReference, loop: UVLoop, configuration: WorkerConfiguration, events: WorkerEvents) {
        self.id = id
        self.loop = loop
        self.configuration = configuration
        self.events = events
        pipeline = ImagePipeline(reference: reference, keep: configuration.keep)
        deadline = UVTimer(loop: loop)
    }

    func start() {
        deadline.schedule(after: milliseconds(configuration.timeoutSeconds)) { [self] in timeoutFired() }
        runCurrentStep()
    }

    /// Kills the running client's process group at once; used when the worker shuts down.
    func kill() {
        command?.signalGroup(SIGKILL)
    }

    private func runCurrentStep() {
        do {
            let command = try ChildCommand(
                loop: loop, executable: configuration.client, arguments: pipeline.arguments,
                drainMilliseconds: milliseconds(configuration.drainSeconds)) { [self] outcome in
                    stepEnded(outcome)
                }
            self.command = command
            events.childStarted(id, command.processGroup)
        } catch {
            finish(.error(.other, "\(error)", step: pipeline.step))
        }
    }

    private func stepEnded(_ outcome: CommandOutcome) {
        if let command { events.childEnded(id, command.processGroup) }
        command = nil
        killTimer?.close()
        killTimer = nil
        if timedOut { return finish(pipeline.timedOut(after: configuration.timeoutSeconds, outcome: outcome)) }
        switch pipeline.advance(after: outcome) {
        case .run: runCurrentStep()
        case .finished(let verdict): finish(verdict)
        }
    }

    private func timeoutFired() {
        timedOut = true
        command?.signalGroup(SIGTERM)
        let timer = UVTimer(loop: loop)
        timer.schedule(after: milliseconds(configuration.killGraceSeconds)) { [self] in
            command?.signalGroup(SIGKILL)
        }
        killTimer = timer
    }

    private func finish(_ verdict: Verdict) {
        deadline.close()
        events.finished(id, verdict, startedAt, Date())
    }
}
