#if canImport(Glibc)
import Glibc
#endif

/// The supervisor's view of one worker process.
final class WorkerHandle {
    /// The worker's number, 1-based; a replacement keeps the number of the worker it replaces.
    let index: Int
    let process: UVProcess
    let channel: MessageChannel<WorkerMessage, SupervisorMessage>
    /// The process group of each in-flight image's current client.
    var processGroups: [Int: Int32] = [:]
    /// How it ended, once it has.
    var termination: Termination?
    /// Whether its channel has reached end of file.
    var channelEnded = false
    /// Whether the supervisor killed it for holding an image past the deadline.
    var killedAsHung = false

    init(index: Int, process: UVProcess, channel: MessageChannel<WorkerMessage, SupervisorMessage>) {
        self.index = index
        self.process = process
        self.channel = channel
    }

    /// Sends `signal` to the worker, unless its exit has been seen: libuv reaps a child and reports
    /// its exit in one step, so a worker with a termination is reaped, and its PID may already be
    /// another process's. Returns whether the signal was sent.
    @discardableResult
    func signal(_ signal: Int32) -> Bool {
        guard termination == nil else { return false }
        Posix.signalProcess(process.pid, signal)
        return true
    }

    /// Kills every client process group it reported, whatever state it is in.
    func killClients() {
        for group in processGroups.values { Posix.signalGroup(group, SIGKILL) }
    }

    /// How it ended, in words.
    var endedHow: String {
        if killedAsHung { return "was killed as hung" }
        return termination?.description ?? "still running"
    }
}
