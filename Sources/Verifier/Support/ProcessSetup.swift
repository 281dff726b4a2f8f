#if canImport(Glibc)
import Glibc
#endif

/// Puts the process in the state the event loop relies on, whatever the parent left behind.
/// Both the supervisor and every worker call ``prepare()`` first.
enum ProcessSetup {
    static func prepare() {
        unblockSignals()
        ignoreBrokenPipes()
        markOpenDescriptorsCloseOnExec()
    }

    /// A write to a closed pipe becomes an EPIPE error instead of the end of the process, and so
    /// does a write past the file size limit (`ulimit -f`): EFBIG, not SIGXFSZ. The signals are
    /// caught by a handler that does nothing, not set to SIG_IGN: an ignored signal stays
    /// ignored in every child (Foundation.Process does not reset it), a caught one does not.
    private static func ignoreBrokenPipes() {
        signal(SIGPIPE) { _ in }
        signal(SIGXFSZ) { _ in }
    }

    /// A parent may start `verify` with signals blocked (Foundation.Process started from a thread
    /// of Swift's concurrency pool passes on that thread's mask, SIGCHLD included). With SIGCHLD
    /// blocked, libuv never learns that a child exited, and every run hangs.
    private static func unblockSignals() {
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
    }

    /// Descriptors the parent left open (a CI runner's log pipe, say) would otherwise pass on to
    /// every client, and a hung client would then hold them open. libuv closes none of them in
    /// the child, so they are marked close-on-exec here, as everything verify opens itself is.
    /// libcurl's socket pairs (``CurlMulti``) are marked the same way, as they appear.
    static func markOpenDescriptorsCloseOnExec() {
        guard let directory = opendir("/proc/self/fd") else { return }
        defer { closedir(directory) }
        let own = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), fd > STDERR_FILENO, fd != own else { continue }
            guard let flags = try? Posix.getFlags(fd, F_GETFD) else { continue }
            try? Posix.setFlags(fd, F_SETFD, flags | FD_CLOEXEC)
        }
    }
}
