#if canImport(Glibc)
import Glibc
#endif

/// Puts the process's signals in the state the event loop relies on, whatever the parent left.
///
/// A parent may start `verify` with signals blocked (Foundation.Process started from a thread of
/// Swift's concurrency pool passes on that thread's mask, SIGCHLD included). With SIGCHLD blocked,
/// libuv never learns that a child exited, and every run hangs.
enum SignalMask {
    /// Unblocks every signal, and ignores SIGPIPE so that a write to a closed pipe is an error
    /// instead of the end of the process.
    static func prepare() {
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
        signal(SIGPIPE, SIG_IGN)
    }
}
