#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One client command started with Foundation.Process, its output read with DispatchIO, and
/// reported once it has exited **and** both pipes have reached end of file (or the drain time
/// after the exit has run out, when the whole group is killed).
///
/// Foundation.Process puts every child in a process group of its own (its PID), which is what
/// lets the engine kill a client and its grandchildren together. Everything mutable is touched
/// only on `queue`, the engine's serial queue: that is why the class can be `@unchecked Sendable`.
///
/// Foundation learns of an exit only at end of file on a socket that the child, and so every
/// grandchild, inherits: a grandchild that lingers delays the exit for as long as it lives. So the
/// exit is also watched through a pidfd, and its status peeked with `waitid(WNOWAIT)`, which leaves
/// the reaping to Foundation (one reaper per process). Whichever reports first wins.
final class DispatchCommand: RunningCommand, @unchecked Sendable {
    private(set) var processGroup: Int32 = 0
    private let process = Process()
    private let queue: DispatchQueue
    private let timers: DispatchQueue
    private let drainSeconds: Double
    private var capture = CommandCapture()
    private var drainTimer: DispatchTimer?
    private var exitWatch: DispatchSourceRead?
    private var completion: ((CommandOutcome) -> Void)?

    init(executable: String, arguments: [String], drainSeconds: Double, queue: DispatchQueue, timers: DispatchQueue,
         completion: @escaping (CommandOutcome) -> Void) throws(VerifyError) {
        self.queue = queue
        self.timers = timers
        self.drainSeconds = drainSeconds
        self.completion = completion
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        // terminationHandler runs on a thread of Foundation's own; hop to the engine's queue.
        process.terminationHandler = { [self] process in
            let termination: Termination = process.terminationReason == .uncaughtSignal
                ? .signaled(process.terminationStatus) : .exited(process.terminationStatus)
            queue.async {
                // Without waitUntilExit() a Process and its pipes are never released; it returns at once now.
                self.process.waitUntilExit()
                self.exited(termination)
            }
        }
        do { try Self.withNoSignalsBlocked { try process.run() } } catch {
            throw .cannotStart(program: executable, reason: "\(error)")
        }
        processGroup = process.processIdentifier
        watchExit()
        read(output.fileHandleForReading) { [self] in capture.append($0, to: .stdout) }
        read(errors.fileHandleForReading) { [self] in capture.append($0, to: .stderr) }
    }

    /// The child inherits the mask of the thread that spawns it, and Foundation.Process does not
    /// reset it; libdispatch's threads block most signals, SIGTERM among them. So the spawning
    /// thread unblocks everything for the moment of the spawn.
    private static func withNoSignalsBlocked<T>(_ body: () throws -> T) rethrows -> T {
        var none = sigset_t()
        var saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        return try body()
    }

    func signalGroup(_ signal: Int32) {
        guard completion != nil else { return }
        Posix.signalGroup(processGroup, signal)
    }

    /// Reads `handle` to its end with DispatchIO (readabilityHandler does not reliably deliver end
    /// of file). DispatchIO gets a descriptor of its own, and the FileHandle is closed at once, outside
    /// any lock and with no handler set, so closing it cannot deadlock.
    private func read(_ handle: FileHandle, into append: @escaping (UnsafeRawBufferPointer) -> Void) {
        let fd = fcntl(handle.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        try? handle.close()
        guard fd >= 0 else { return streamEnded() }
        let io = DispatchIO(type: .stream, fileDescriptor: fd, queue: queue) { _ in close(fd) }
        io.setLimit(lowWater: 1)
        io.read(offset: 0, length: Int.max, queue: queue) { [self] done, data, _ in
            data?.regions.forEach { $0.withUnsafeBytes(append) }
            if done {
                io.close()
                streamEnded()
            }
        }
    }

    /// Learns of the exit through a pidfd, independently of Foundation's socket. Without pidfds
    /// (Linux before 5.3) Foundation's report is all there is.
    private func watchExit() {
        let pid = processGroup
        guard let pidfd = try? Posix.pidfd(pid) else { return }
        let watch = DispatchSource.makeReadSource(fileDescriptor: pidfd, queue: queue)
        watch.setEventHandler { [self] in
            do {
                // nil: still running (a spurious wake-up).
                guard let termination = try Posix.peekExit(pid) else { return }
                exited(termination)
            } catch {
                // Reaped by Foundation already, whose report is on the way.
                stopWatchingExit()
            }
        }
        watch.setCancelHandler { close(pidfd) }
        watch.resume()
        exitWatch = watch
    }

    private func stopWatchingExit() {
        exitWatch?.cancel()
        exitWatch = nil
    }

    private func exited(_ termination: Termination) {
        stopWatchingExit()
        switch capture.exited(termination) {
        case .finished(let outcome): finish(outcome)
        case .alreadyKnown: break
        case .awaitingStreams:
            drainTimer = DispatchTimer(after: drainSeconds, on: timers, delivering: { [self] in
                // Something in the group still holds a pipe: end it, and report what arrived.
                Posix.signalGroup(processGroup, SIGKILL)
                if let outcome = capture.drainExpired() { finish(outcome) }
            }, to: queue)
        }
    }

    private func streamEnded() {
        if let outcome = capture.streamEnded() { finish(outcome) }
    }

    private func finish(_ outcome: CommandOutcome) {
        guard let completion else { return }
        self.completion = nil
        drainTimer?.cancel()
        drainTimer = nil
        completion(outcome)
    }
}
