#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Waits for descriptors to become readable with poll(2) on a thread of its own, and runs each
/// watch's handler on the engine's queue. The Dispatch engine reads every descriptor it watches
/// (client pipes, pidfds, the supervisor channel, the signal pipe) through this, and registers
/// none with libdispatch.
///
/// Why not DispatchSourceRead or DispatchIO: libdispatch's epoll backend on Linux handles an
/// EPOLLHUP (`_dispatch_event_merge_fd`) by handing the hang-up to every source on the descriptor
/// and then reading the descriptor's muxnote again (its writer list, then its fd for
/// `EPOLL_CTL_DEL`). A source so told unregisters itself on its own queue's thread, which frees
/// that muxnote, so the manager thread reads freed memory and dies with SIGSEGV in
/// `_dispatch_event_loop_drain` (swift-corelibs-libdispatch issue #949). A client pipe reports
/// EPOLLHUP at its end of file, a pidfd once its process is reaped, the channel when the
/// supervisor closes it: with many short clients, a worker crashed every few thousand images.
///
/// Backpressure comes with the design: a watch is disarmed while its handler runs, so a client
/// that floods its output fills its pipe and waits, instead of filling the worker's memory.
///
/// Only the watcher's thread closes a watched descriptor, after ``stop(_:)`` and between two polls,
/// so that poll(2) never sees a number that was closed and reused.
final class DescriptorWatcher: @unchecked Sendable {
    /// One watched descriptor.
    final class Watch: @unchecked Sendable {
        /// The descriptor; the watcher closes it after ``DescriptorWatcher/stop(_:)``.
        let descriptor: Int32
        /// Runs on the engine's queue when the descriptor is readable; nil once stopped. Touched
        /// only on the engine's queue.
        fileprivate var handler: ((Watch) -> Void)?
        /// In the next poll; cleared when the handler is due. Guarded by the watcher's lock.
        fileprivate var armed = true

        fileprivate init(descriptor: Int32, handler: @escaping (Watch) -> Void) {
            self.descriptor = descriptor
            self.handler = handler
        }
    }

    /// How much one handler reads from a client before letting the others have their turn.
    private static let readsPerTurn = 16

    private let queue: DispatchQueue
    private let lock = NSLock()
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// The watches not stopped yet. Guarded by `lock`.
    private var watches: [ObjectIdentifier: Watch] = [:]
    /// Descriptors of stopped watches, for the watcher's thread to close. Guarded by `lock`.
    private var closing: [Int32] = []
    /// The one buffer every read goes through; used only on the engine's queue.
    private var readBuffer = [UInt8](repeating: 0, count: TailBuffer.defaultLimit)

    /// Starts the watcher's thread; handlers will run on `queue`.
    init(queue: DispatchQueue) throws(SystemError) {
        self.queue = queue
        let ends = try Posix.pipe()
        for end in [ends.read, ends.write] {
            try Posix.setFlags(end, F_SETFL, try Posix.getFlags(end, F_GETFL) | O_NONBLOCK)
        }
        wakeRead = ends.read
        wakeWrite = ends.write
        let thread = Thread { [self] in run() }
        thread.name = "verify.dispatch.poll"
        thread.start()
    }

    /// Calls `handler` with the watch on the engine's queue when `descriptor` is readable, once:
    /// call ``rearm(_:)`` for the next time, or ``stop(_:)``. The watcher owns `descriptor` from now on.
    @discardableResult
    func watch(_ descriptor: Int32, _ handler: @escaping (Watch) -> Void) -> Watch {
        let watch = Watch(descriptor: descriptor, handler: handler)
        lock.withLock { watches[ObjectIdentifier(watch)] = watch }
        wake()
        return watch
    }

    /// Calls the handler again the next time the descriptor is readable. On the engine's queue.
    func rearm(_ watch: Watch) {
        guard watch.handler != nil else { return }
        lock.withLock { watch.armed = true }
        wake()
    }

    /// Calls the handler no more, and closes the descriptor. On the engine's queue.
    func stop(_ watch: Watch) {
        guard watch.handler != nil else { return }
        watch.handler = nil
        lock.withLock {
            watches[ObjectIdentifier(watch)] = nil
            closing.append(watch.descriptor)
        }
        wake()
    }

    /// Reads what `watch`'s descriptor has (a bounded amount) into `append`, on the engine's queue.
    /// Rearms the watch while the stream goes on; at end of file (or on an error) stops it, and
    /// returns true.
    func read(_ watch: Watch, into append: (UnsafeRawBufferPointer) -> Void) -> Bool {
        for _ in 0..<Self.readsPerTurn {
            guard let count = Posix.readAvailable(watch.descriptor, into: &readBuffer, describing: "a client's output") else { break }
            guard count > 0 else {
                stop(watch)
                return true
            }
            readBuffer.withUnsafeBytes { append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        rearm(watch)
        return false
    }

    private func wake() {
        var byte: UInt8 = 1
        // A full pipe already holds a wake-up.
        _ = try? Posix.call("write the watcher's wake-up pipe") { Glibc.write(wakeWrite, &byte, 1) }
    }

    /// The watcher's thread: close what was stopped, poll what is armed, hand what is ready to the
    /// engine's queue. Runs as long as the process.
    private func run() {
        var drain = [UInt8](repeating: 0, count: 256)
        while true {
            let armed = lock.withLock {
                closing.forEach { close($0) }
                closing.removeAll()
                return watches.values.filter(\.armed)
            }
            var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
                + armed.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            guard (try? Posix.call("poll") { poll(&descriptors, nfds_t(descriptors.count), -1) }) != nil else { continue }
            if descriptors[0].revents != 0 {
                while (try? Posix.read(wakeRead, into: &drain, describing: "the watcher's wake-up pipe")) ?? 0 > 0 {}
            }
            let ready = lock.withLock {
                zip(armed, descriptors.dropFirst()).compactMap { watch, polled -> Watch? in
                    // Stopped while polled: its descriptor waits in `closing`.
                    guard polled.revents != 0, watches[ObjectIdentifier(watch)] != nil else { return nil }
                    watch.armed = false
                    return watch
                }
            }
            for watch in ready {
                queue.async { watch.handler?(watch) }
            }
        }
    }
}
