/// How one client command ended, and what it printed (the tails of both streams).
public struct CommandOutcome: Sendable {
    /// How the client ended.
    public var termination: Termination
    /// The end of the client's stdout.
    public var stdout: TailBuffer
    /// The end of the client's stderr.
    public var stderr: TailBuffer

    /// An outcome.
    public init(termination: Termination, stdout: TailBuffer, stderr: TailBuffer) {
        self.termination = termination
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The exit status, when the client exited by itself.
    public var exitCode: Int32? { termination.exitCode }
    /// The signal that ended the client, when one did.
    public var signal: Int32? { termination.signal }

    /// The client exited with status 0.
    public var succeeded: Bool { termination == .exited(0) }
}
