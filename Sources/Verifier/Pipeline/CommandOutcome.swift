/// How one client command ended, and what it printed (the tails of both streams).
public struct CommandOutcome: Sendable {
    /// The exit status, when the client exited by itself.
    public var exitCode: Int32?
    /// The signal that ended the client, when one did.
    public var signal: Int32?
    /// The end of the client's stdout.
    public var stdout: TailBuffer
    /// The end of the client's stderr.
    public var stderr: TailBuffer

    /// An outcome; `exitCode` or `signal` is set, not both.
    public init(exitCode: Int32?, signal: Int32?, stdout: TailBuffer, stderr: TailBuffer) {
        self.exitCode = exitCode
        self.signal = signal
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The client exited with status 0.
    public var succeeded: Bool { exitCode == 0 && signal == nil }
}
