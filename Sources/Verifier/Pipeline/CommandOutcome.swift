/// How one client command ended, and what it printed (the tails of both streams).
struct CommandOutcome: Sendable {
    /// How the client ended.
    var termination: Termination
    /// The end of the client's stdout.
    var stdout: TailBuffer
    /// The end of the client's stderr.
    var stderr: TailBuffer

    /// An outcome.
    init(termination: Termination, stdout: TailBuffer, stderr: TailBuffer) {
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The exit status, when the client exited by itself.
    var exitCode: Int32? { termination.exitCode }
    /// The signal that ended the client, when one did.
    var signal: Int32? { termination.signal }

    /// The client exited with status 0.
    var succeeded: Bool { termination == .exited(0) }
}
