/// The rule both engines follow for a client command, and what it printed.
///
/// A command is finished once it has exited **and** both of its output streams have ended; or,
/// when something (a grandchild) keeps a stream open, once the drain time after the exit has run
/// out. Meanwhile the tail of each stream is kept.
struct CommandCapture {
    /// One of the command's output streams.
    enum Stream {
        case stdout, stderr
    }

    /// What recording the exit means for the engine.
    enum AfterExit {
        /// The command is finished; report this.
        case finished(CommandOutcome)
        /// A stream is still open: wait for it, at most the drain time, then call ``drainExpired()``.
        case awaitingStreams
        /// The exit was already known (an engine may learn of it twice); nothing to do.
        case alreadyKnown
    }

    private var stdout = TailBuffer()
    private var stderr = TailBuffer()
    private var exit: Termination?
    private var openStreams = 2
    private var isFinished = false

    mutating func append(_ bytes: UnsafeRawBufferPointer, to stream: Stream) {
        switch stream {
        case .stdout: stdout.append(bytes)
        case .stderr: stderr.append(bytes)
        }
    }

    /// Records how the command ended.
    mutating func exited(_ termination: Termination) -> AfterExit {
        guard exit == nil else { return .alreadyKnown }
        exit = termination
        return outcomeIfComplete().map(AfterExit.finished) ?? .awaitingStreams
    }

    /// Records that one stream ended; returns the outcome if the command is finished now.
    mutating func streamEnded() -> CommandOutcome? {
        openStreams -= 1
        return outcomeIfComplete()
    }

    /// The drain time after the exit ran out: the command is finished with what arrived.
    mutating func drainExpired() -> CommandOutcome? {
        openStreams = 0
        return outcomeIfComplete()
    }

    private mutating func outcomeIfComplete() -> CommandOutcome? {
        guard !isFinished, openStreams <= 0, let exit else { return nil }
        isFinished = true
        return CommandOutcome(termination: exit, stdout: stdout, stderr: stderr)
    }
}
