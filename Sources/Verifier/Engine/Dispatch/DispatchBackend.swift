import Foundation

/// The Dispatch engine's mechanism: clients through Foundation.Process, their output and exits
/// through the ``DescriptorWatcher``, time through DispatchSourceTimer.
///
/// Timers fire on a queue of their own, never on the global queues, where blocking work could
/// starve them; they then hop to the engine's queue, which never blocks.
final class DispatchBackend: EngineBackend, @unchecked Sendable {
    private let client: String
    private let drainSeconds: Double
    private let queue: DispatchQueue
    private let watcher: DescriptorWatcher
    private let timers = DispatchQueue(label: "verify.dispatch.timers")

    init(client: String, drainSeconds: Double, queue: DispatchQueue, watcher: DescriptorWatcher) {
        self.client = client
        self.drainSeconds = drainSeconds
        self.queue = queue
        self.watcher = watcher
    }

    func startCommand(arguments: [String], completion: @escaping (CommandOutcome) -> Void) throws(VerifyError) -> DispatchCommand {
        try DispatchCommand(executable: client, arguments: arguments, drainSeconds: drainSeconds,
                            queue: queue, timers: timers, watcher: watcher, completion: completion)
    }

    func schedule(after seconds: Double, _ action: @escaping () -> Void) -> DispatchTimer {
        DispatchTimer(after: seconds, on: timers, delivering: action, to: queue)
    }
}

/// A one-shot DispatchSourceTimer whose action runs on the engine's queue.
final class DispatchTimer: EngineTimer, @unchecked Sendable {
    private let source: DispatchSourceTimer
    private var action: (() -> Void)?

    init(after seconds: Double, on timers: DispatchQueue, delivering action: @escaping () -> Void, to queue: DispatchQueue) {
        self.action = action
        source = DispatchSource.makeTimerSource(queue: timers)
        source.schedule(deadline: .now() + seconds)
        source.setEventHandler { [self] in
            queue.async {
                let action = self.action
                self.action = nil
                action?()
            }
        }
        source.resume()
    }

    /// Called on the engine's queue, so a cancelled action can no longer run.
    func cancel() {
        action = nil
        source.cancel()
    }
}
