#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A worker of the Dispatch engine: Foundation.Process for the clients, a ``DescriptorWatcher`` for
/// their output, their exits and the supervisor channel, DispatchSourceTimer for time, and one
/// serial queue that owns all state.
///
/// Foundation.Process reaps its own children, so this process never touches libuv: one reaper
/// per process.
final class DispatchWorker: @unchecked Sendable {
    private let queue = DispatchQueue(label: "verify.dispatch.engine")
    private let writes = DispatchQueue(label: "verify.dispatch.channel")
    private let watcher: DescriptorWatcher
    private var core: WorkerCore<DispatchBackend>!
    private var framer = MessageFramer<SupervisorMessage>()
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(configuration: WorkerConfiguration) throws(VerifyError) {
        do { watcher = try DescriptorWatcher(queue: queue) } catch {
            throw .eventLoop("worker \(configuration.index): \(error)")
        }
        let writes = self.writes
        core = WorkerCore(configuration: configuration,
                          backend: DispatchBackend(client: configuration.client, drainSeconds: configuration.drainSeconds,
                                                   queue: queue, watcher: watcher),
                          send: { message in
                              let line = message.framed
                              // A supervisor that is gone is noticed by the reader (end of file).
                              writes.async { try? Posix.writeAll(WorkerProcess.channelDescriptor, line, describing: "the supervisor channel") }
                          })
    }

    /// Runs until the supervisor closes the channel, then exits the process.
    func run() -> Never {
        watcher.watch(TerminationSignals.install()) { [self] _ in abandon() }
        watcher.watch(WorkerProcess.channelDescriptor) { [self] watch in
            readChannel()
            watcher.rearm(watch)
        }
        dispatchMain()
    }

    private func readChannel() {
        guard let count = Posix.readAvailable(WorkerProcess.channelDescriptor, into: &readBuffer, describing: "the supervisor channel") else { return }
        guard count > 0 else {
            // End of file: the supervisor is done with us, or gone.
            guard core.isIdle else { abandon() }
            core.endOrphans()
            writes.sync {}
            exit(0)
        }
        readBuffer.withUnsafeBytes { bytes in
            framer.messages(appending: UnsafeRawBufferPointer(rebasing: bytes[..<count])).forEach(core.handle)
        }
    }

    /// The supervisor is gone or wants us gone: no client may outlive this process.
    private func abandon() -> Never {
        core.killAll()
        exit(1)
    }
}
