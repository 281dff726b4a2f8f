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

    /// Installs the handlers; returns the pipe's read end, readable once SIGTERM or SIGHUP arrived.
    static func install() -> Int32 {
        guard let ends = try? Posix.pipe() else { preconditionFailure("no descriptor left for a pipe at worker start") }
        for end in [ends.read, ends.write] {
            try? Posix.setFlags(end, F_SETFL, (try? Posix.getFlags(end, F_GETFL)).map { $0 | O_NONBLOCK } ?? O_NONBLOCK)
        }
        writeEnd = ends.write
        signal(SIGINT) { _ in }
        for terminating in [SIGTERM, SIGHUP] {
            signal(terminating) { _ in
                var byte: UInt8 = 1
                _ = write(TerminationSignals.writeEnd, &byte, 1)
            }
        }
        return ends.read
    }
}
