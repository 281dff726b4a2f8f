#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One client command started with Foundation.Process, its output read through the
/// ``DescriptorWatcher``, and reported once it has exited **and** both pipes have reached end of
/// file (or the drain time after the exit has run out, when the whole group is killed).
///
/// Foundation.Process puts every child in a process group of its own (its PID), which is what
/// lets the engine kill a client and its grandchildren together. Everything mutable is touched
/// only on `queue`, the engine's serial queue: that is why the class can be `@unchecked Sendable`.
///
/// Foundation learns of an exit only at end of file on a socket that the child, and so every
/// grandchild, inherits: a grandchild that lingers delays the exit for as long as it lives. So the
/// exit is also watched through a pidfd, and its status peeked with `waitid(WNOWAIT)`, which leaves
/// the reaping to Foundation (one reaper per process). Whichever reports first wins.
///
/// Neither the pipes nor the pidfd are given to libdispatch (DispatchIO, DispatchSourceRead): its
/// epoll backend frees a source's bookkeeping under its own feet when a descriptor hangs up, which
/// crashed workers; see ``DescriptorWatcher``.
final class DispatchCommand: RunningCommand, @unchecked Sendable {
    private(set) var processGroup: Int32 = 0
    private let process = Process()
    private let queue: DispatchQueue
    private let timers: DispatchQueue
    private let watcher: DescriptorWatcher
    private let drainSeconds: Double
    private var capture = CommandCapture()
    private var drainTimer: DispatchTimer?
    private var exitWatch: DescriptorWatcher.Watch?
    /// The pipes still being read.
    private var streamWatches: [DescriptorWatcher.Watch] = []
    private var completion: ((CommandOutcome) -> Void)?

    init(executable: String, arguments: [String], drainSeconds: Double, queue: DispatchQueue, timers: DispatchQueue,
         watcher: DescriptorWatcher, completion: @escaping (CommandOutcome) -> Void) throws(VerifyError) {
        self.queue = queue
        self.watcher = watcher
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
        read(output.fileHandleForReading, into: .stdout)
        read(errors.fileHandleForReading, into: .stderr)
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

    /// Reads `handle` to its end through the watcher (readabilityHandler does not reliably deliver
    /// end of file), into a tail buffer: a client that floods waits on its full pipe. The watcher
    /// gets a non-blocking descriptor of its own, and the FileHandle is closed at once, outside any
    /// lock and with no handler set, so closing it cannot deadlock.
    private func read(_ handle: FileHandle, into stream: CommandCapture.Stream) {
        let fd = try? Posix.call("duplicate a client's pipe") { fcntl(handle.fileDescriptor, F_DUPFD_CLOEXEC, 0) }
        try? handle.close()
        guard let fd else { return streamEnded() }
        do {
            try Posix.setFlags(fd, F_SETFL, try Posix.getFlags(fd, F_GETFL) | O_NONBLOCK)
        } catch {
            close(fd)
            return streamEnded()
        }
        streamWatches.append(watcher.watch(fd) { [self] watch in
            guard watcher.read(watch, into: { capture.append($0, to: stream) }) else { return }
            streamWatches.removeAll { $0 === watch }
            streamEnded()
        })
    }

    /// Learns of the exit through a pidfd, independently of Foundation's socket. Without pidfds
    /// (Linux before 5.3) Foundation's report is all there is.
    private func watchExit() {
        let pid = processGroup
        guard let pidfd = try? Posix.pidfd(pid) else { return }
        exitWatch = watcher.watch(pidfd) { [self] watch in
            do {
                // nil: still running (a spurious wake-up).
                guard let termination = try Posix.peekExit(pid) else { return watcher.rearm(watch) }
                exited(termination)
            } catch {
                // Reaped by Foundation already, whose report is on the way.
                stopWatchingExit()
            }
        }
    }

    private func stopWatchingExit() {
        if let exitWatch { watcher.stop(exitWatch) }
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
        // After the drain, a pipe may still be held open by a grandchild that left the group.
        streamWatches.forEach(watcher.stop)
        streamWatches.removeAll()
        stopWatchingExit()
        completion(outcome)
    }
}
