#if canImport(Glibc)
import Glibc
#endif

/// One client command on a libuv loop: started detached (a process group of its own), its stdout
/// and stderr read through pipes into tail buffers, and reported once it has exited **and** both
/// pipes have reached end of file.
///
/// If a grandchild still holds a pipe open after the child exits, the command waits at most
/// `drainMilliseconds`, then kills the whole group and reports what it has.
final class ChildCommand {
    /// How the libuv engine starts its clients.
    enum SpawnMethod {
        /// `uv_spawn` (fork and exec in libuv 1.44); libuv reaps.
        case libuv
        /// `posix_spawn` (vfork-like); the worker's one ``ChildReaper`` reaps.
        case posix(ChildReaper)
    }

    /// The child's process group (its PID), for signalling the whole group.
    let processGroup: Int32
    private let process: UVProcess?
    private let output: UVPipe
    private let errors: UVPipe
    private let loop: UVLoop
    private let drainMilliseconds: UInt64
    private var capture = CommandCapture()
    private var drainTimer: UVTimer?
    private var completion: ((CommandOutcome) -> Void)?

    /// Starts `executable` with `arguments` (without the program name). `input`, when given (with
    /// `uv_spawn` only), is the descriptor the child reads as its standard input; else /dev/null.
    init(loop: UVLoop, executable: String, arguments: [String], drainMilliseconds: UInt64, spawn: SpawnMethod,
         input: Int32? = nil, completion: @escaping (CommandOutcome) -> Void) throws(VerifyError) {
        self.loop = loop
        self.drainMilliseconds = drainMilliseconds
        self.completion = completion
        var exited: ((Termination) -> Void)?
        switch spawn {
        case .libuv:
            let output = UVPipe(loop: loop)
            let errors = UVPipe(loop: loop)
            do {
                process = try UVProcess(
                    loop: loop, executable: executable, arguments: [executable] + arguments,
                    stdio: [input.map { .inherit($0) } ?? .ignore, .pipe(output, childReads: false, childWrites: true),
                            .pipe(errors, childReads: false, childWrites: true)],
                    detached: true, onExit: { exited?($0) })
            } catch {
                output.close()
                errors.close()
                throw error
            }
            self.output = output
            self.errors = errors
            processGroup = process!.pid
        case .posix(let reaper):
            let started = try PosixSpawn.start(loop: loop, executable: executable, arguments: [executable] + arguments)
            process = nil
            output = started.stdout
            errors = started.stderr
            processGroup = started.pid
            reaper.register(started.pid) { exited?($0) }
        }
        exited = { [self] in self.exited($0) }
        output.startReading(onBytes: { [self] in capture.append($0, to: .stdout) }, onEnd: { [self] in streamEnded() })
        errors.startReading(onBytes: { [self] in capture.append($0, to: .stderr) }, onEnd: { [self] in streamEnded() })
    }

    /// Sends `signal` to the child's whole process group, grandchildren included.
    func signalGroup(_ signal: Int32) {
        guard completion != nil else { return }
        Posix.signalGroup(processGroup, signal)
    }

    private func exited(_ termination: Termination) {
        process?.close()
        switch capture.exited(termination) {
        case .finished(let outcome): finish(outcome)
        case .alreadyKnown: break
        case .awaitingStreams:
            let timer = UVTimer(loop: loop)
            timer.schedule(after: drainMilliseconds) { [self] in
                // Something in the group still holds a pipe: end it, and report what arrived.
                Posix.signalGroup(processGroup, SIGKILL)
                if let outcome = capture.drainExpired() { finish(outcome) }
            }
            drainTimer = timer
        }
    }

    private func streamEnded() {
        if let outcome = capture.streamEnded() { finish(outcome) }
    }

    private func finish(_ outcome: CommandOutcome) {
        guard let completion else { return }
        self.completion = nil
        drainTimer?.close()
        drainTimer = nil
        output.close()
        errors.close()
        completion(outcome)
    }
}
