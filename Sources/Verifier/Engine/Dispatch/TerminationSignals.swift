#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// SIGTERM and SIGHUP for the Dispatch engine, through a self-pipe.
///
/// DispatchSource signal sources need the signal ignored or blocked, and Foundation.Process passes
/// both on to every child, which would then shrug off the SIGTERM of a timeout. Handlers that
/// write a byte to a pipe are reset to the default in each child instead. SIGINT gets a handler
/// that does nothing: Ctrl-C reaches the whole foreground group, and the supervisor decides.
enum TerminationSignals {
    /// The pipe's write end, for the handler; set once, before the handlers are installed.
    nonisolated(unsafe) private static var writeEnd: Int32 = -1

    /// Calls `action` on `queue` when SIGTERM or SIGHUP arrives. Keep the returned source.
    static func watch(on queue: DispatchQueue, _ action: @escaping () -> Void) -> DispatchSourceRead {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { preconditionFailure("pipe: \(errno)") }
        // No client has been started yet, so nothing can inherit these before they are marked.
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        writeEnd = ends[1]
        let source = DispatchSource.makeReadSource(fileDescriptor: ends[0], queue: queue)
        source.setEventHandler(handler: action)
        source.resume()
        signal(SIGINT) { _ in }
        for terminating in [SIGTERM, SIGHUP] {
            signal(terminating) { _ in
                var byte: UInt8 = 1
                _ = write(TerminationSignals.writeEnd, &byte, 1)
            }
        }
        return source
    }
}
