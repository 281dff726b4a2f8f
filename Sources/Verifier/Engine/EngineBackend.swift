/// How an engine starts client commands and keeps time. ``ImageRun`` and ``WorkerCore`` drive
/// the pipeline through this, so the two engines differ only in mechanism.
///
/// A backend calls every callback on its one serial context (the libuv loop's thread, or the
/// Dispatch engine's queue), so nothing here is shared between threads.
protocol EngineBackend: AnyObject {
    associatedtype Command: RunningCommand
    associatedtype Timer: EngineTimer

    /// Starts the client with `arguments` (without the program name). `completion` runs once
    /// the client has exited and both of its output pipes are closed.
    func startCommand(arguments: [String], completion: @escaping (CommandOutcome) -> Void) throws(VerifyError) -> Command

    /// Calls `action` once after `seconds`, unless cancelled first.
    func schedule(after seconds: Double, _ action: @escaping () -> Void) -> Timer
}

/// A client command that is running.
protocol RunningCommand: AnyObject {
    /// The client's process group (its PID).
    var processGroup: Int32 { get }
    /// Sends `signal` to the whole group, while the command has not completed.
    func signalGroup(_ signal: Int32)
}

/// A scheduled action.
protocol EngineTimer: AnyObject {
    /// Makes sure the action does not run (any more); frees the timer.
    func cancel()
}
