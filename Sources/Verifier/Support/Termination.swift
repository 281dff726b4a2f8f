#if canImport(Glibc)
import Glibc
#endif
import CVerifyLinux

/// How a process ended: the one shape for clients and workers, whoever reaped them.
enum Termination: Sendable, Equatable, CustomStringConvertible {
    /// It exited with this status.
    case exited(Int32)
    /// This signal killed it.
    case signaled(Int32)

    /// Decodes a wait status, as `waitpid` or ``Posix/peekExit(_:)`` give it.
    init(waitStatus status: Int32) {
        if verify_wait_signaled(status) != 0 {
            self = .signaled(verify_wait_signal(status))
        } else {
            self = .exited(verify_wait_exit_code(status))
        }
    }

    /// libuv's exit callback reports a status and a signal (0 when none).
    init(status: Int64, signal: Int32) {
        self = signal != 0 ? .signaled(signal) : .exited(Int32(truncatingIfNeeded: status))
    }

    /// The exit status, when it exited.
    var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    /// The signal, when one killed it.
    var signal: Int32? {
        if case .signaled(let signal) = self { return signal }
        return nil
    }

    /// `exited with status 1`, or `killed by signal 9 (Killed)`.
    var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
        }
    }
}
