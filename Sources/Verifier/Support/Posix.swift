#if canImport(Glibc)
import Glibc
#endif
import CVerifyLinux

/// The system calls verify makes outside libuv, in the style of swift-nio's `syscall` and
/// swift-system's `valueOrErrno`: every call goes through ``call(_:_:)``, which reads errno first,
/// retries EINTR, and throws a ``SystemError`` that names the operation.
enum Posix {
    /// Runs `body`, a call that returns -1 and sets errno on failure. errno is captured before
    /// anything else runs (building the operation's name may allocate); EINTR is retried.
    @inline(__always)
    static func call<Result: FixedWidthInteger>(_ operation: @autoclosure () -> String, _ body: () -> Result) throws(SystemError) -> Result {
        while true {
            let result = body()
            guard result == -1 else { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemError(operation(), code: code)
        }
    }

    // MARK: Files

    /// Opens `path`, always close-on-exec.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(SystemError) -> Int32 {
        try call("open \(path)") { Glibc.open(path, flags | O_CLOEXEC, mode) }
    }

    /// Reads at most `buffer.count` bytes into the front of `buffer`; 0 at end of file.
    static func read(_ fd: Int32, into buffer: inout [UInt8], describing what: @autoclosure () -> String) throws(SystemError) -> Int {
        let count = buffer.count
        return try buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(SystemError) in try call("read \(what())") { Glibc.read(fd, bytes.baseAddress, count) } }
        }.get()
    }

    /// Reads at most `buffer.count` bytes at `offset` into the front of `buffer`, leaving the file
    /// position alone; 0 at end of file.
    static func read(_ fd: Int32, into buffer: inout [UInt8], at offset: Int, describing what: @autoclosure () -> String) throws(SystemError) -> Int {
        let count = buffer.count
        return try buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(SystemError) in try call("read \(what())") { pread(fd, bytes.baseAddress, count, off_t(offset)) } }
        }.get()
    }

    /// Reads what a non-blocking `fd` has, into the front of `buffer`: `nil` when it has nothing yet
    /// (EAGAIN); 0 at end of file, or on an error, which ends the stream just the same.
    static func readAvailable(_ fd: Int32, into buffer: inout [UInt8], describing what: @autoclosure () -> String) -> Int? {
        do throws(SystemError) { return try read(fd, into: &buffer, describing: what()) } catch {
            return error.code == EAGAIN ? nil : 0
        }
    }

    /// Writes all of `bytes`, retrying after short writes.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], describing what: @autoclosure () -> String) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            offset += try bytes.withUnsafeBytes { buffer in
                Result { () throws(SystemError) in
                    try call("write \(what())") { Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
                }
            }.get()
        }
    }

    /// Reads the whole file at `path`, or standard input for `-`.
    static func readAll(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = path == "-" ? STDIN_FILENO : try open(path, flags: O_RDONLY)
        defer { if fd != STDIN_FILENO { close(fd) } }
        return try readAll(fd, describing: path)
    }

    /// Reads `fd` from where it stands to its end.
    static func readAll(_ fd: Int32, describing what: @autoclosure () -> String) throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = try read(fd, into: &chunk, describing: what())
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    /// An unnamed file in `directory`, open for reading and writing, close-on-exec: gone when it is closed.
    static func openUnnamed(in directory: String) throws(SystemError) -> Int32 {
        try call("open a temporary file in \(directory)") { verify_open_unnamed(directory) }
    }

    /// A second descriptor for what `fd` is open on, close-on-exec.
    static func duplicate(_ fd: Int32) throws(SystemError) -> Int32 {
        try call("dup") { fcntl(fd, F_DUPFD_CLOEXEC, 0) }
    }

    /// What `fd` is.
    static func fileStatus(_ fd: Int32, describing what: @autoclosure () -> String) throws(SystemError) -> stat {
        var info = stat()
        _ = try call("stat \(what())") { fstat(fd, &info) }
        return info
    }

    /// What is at `path`, following symbolic links.
    static func status(_ path: String) throws(SystemError) -> stat {
        var info = stat()
        _ = try call("stat \(path)") { stat(path, &info) }
        return info
    }

    /// The bytes an unprivileged process may still write on the filesystem that holds `path`.
    static func freeSpace(_ path: String) throws(SystemError) -> UInt64 {
        var info = statvfs()
        _ = try call("statvfs \(path)") { statvfs(path, &info) }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// Takes an exclusive lock on `fd` (`flock`), without waiting; `false` when another process
    /// holds it. The lock goes with the descriptor, and so with the process.
    static func tryLock(_ fd: Int32, describing what: @autoclosure () -> String) throws(SystemError) -> Bool {
        do { _ = try call("lock \(what())") { flock(fd, LOCK_EX | LOCK_NB) } } catch where error.code == EWOULDBLOCK { return false }
        return true
    }

    /// Creates `path` and its missing parents, like `mkdir -p`.
    static func makeDirectories(_ path: String) throws(SystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            do { _ = try call("create directory \(current)") { mkdir(current, 0o755) } } catch where error.code == EEXIST {}
        }
    }

    /// The descriptor flags of `fd` (`F_GETFD`), or the status flags (`F_GETFL`).
    static func getFlags(_ fd: Int32, _ command: Int32) throws(SystemError) -> Int32 {
        try call("fcntl \(fd)") { fcntl(fd, command) }
    }

    /// Sets the descriptor flags of `fd` (`F_SETFD`), or the status flags (`F_SETFL`).
    static func setFlags(_ fd: Int32, _ command: Int32, _ flags: Int32) throws(SystemError) {
        _ = try call("fcntl \(fd)") { fcntl(fd, command, flags) }
    }

    /// A pipe whose both ends are close-on-exec: `(read, write)`.
    static func pipe() throws(SystemError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        _ = try call("pipe2") { verify_pipe_cloexec(&ends) }
        return (ends[0], ends[1])
    }

    // MARK: Sockets

    /// A socket, always close-on-exec (libcurl's own sockets are not; see ``CurlMulti``).
    static func socket(family: Int32, type: Int32, protocol: Int32) throws(SystemError) -> Int32 {
        try call("socket") { Glibc.socket(family, type | Int32(SOCK_CLOEXEC.rawValue), `protocol`) }
    }

    // MARK: Processes

    /// Sends `signal` to every process in the group `processGroup`; a group that is already gone is fine.
    static func signalGroup(_ processGroup: Int32, _ signal: Int32) {
        guard processGroup > 1 else { return }
        signalProcess(-processGroup, signal)
    }

    /// Sends `signal` to process `pid`; a process that is already gone is fine.
    static func signalProcess(_ pid: Int32, _ signal: Int32) {
        guard pid != 0, pid != -1 else { return }
        _ = try? call("kill \(pid)") { kill(pid, signal) }
    }

    /// Reaps one exited child: `pid` (or any child for -1) without waiting. `nil` when none has
    /// exited, or there is no such child.
    static func reap(_ pid: Int32 = -1) -> (pid: Int32, termination: Termination)? {
        var status: Int32 = 0
        guard let reaped = try? call("waitpid \(pid)", { waitpid(pid, &status, WNOHANG) }), reaped > 0 else { return nil }
        return (reaped, Termination(waitStatus: status))
    }

    /// How child `pid` ended, without reaping it; `nil` while it runs.
    ///
    /// - Throws: ECHILD when it was reaped already (or is no child of this process).
    static func peekExit(_ pid: Int32) throws(SystemError) -> Termination? {
        var status: Int32 = 0
        guard try call("waitid \(pid)", { verify_peek_exit(pid, &status) }) == 1 else { return nil }
        return Termination(waitStatus: status)
    }

    /// Whether child `pid` has exited, reaped or not.
    static func hasExited(_ pid: Int32) -> Bool {
        do { return try peekExit(pid) != nil } catch { return true }
    }

    /// Asks the kernel to send `signal` to this process when its parent exits.
    static func setParentDeathSignal(_ signal: Int32) throws(SystemError) {
        _ = try call("prctl PR_SET_PDEATHSIG") { verify_set_parent_death_signal(signal) }
    }

    /// Makes this process the reaper of its orphaned descendants.
    static func becomeChildSubreaper() throws(SystemError) {
        _ = try call("prctl PR_SET_CHILD_SUBREAPER") { verify_set_child_subreaper() }
    }

    /// A descriptor that becomes readable when `pid` exits.
    static func pidfd(_ pid: Int32) throws(SystemError) -> Int32 {
        try call("pidfd_open \(pid)") { verify_pidfd_open(pid) }
    }

    // MARK: Limits

    /// The soft and hard limit of `resource`.
    static func limit(_ resource: __rlimit_resource_t) throws(SystemError) -> rlimit {
        var limit = rlimit()
        _ = try call("getrlimit") { getrlimit(resource, &limit) }
        return limit
    }

    /// Sets the limits of `resource`.
    static func setLimit(_ resource: __rlimit_resource_t, _ limit: rlimit) throws(SystemError) {
        var limit = limit
        _ = try call("setrlimit") { setrlimit(resource, &limit) }
    }

    // MARK: Result files

    /// Opens `name` in the directory open as `directory`, always close-on-exec; `what` names it
    /// in an error.
    static func open(_ name: String, in directory: Int32, flags: Int32, mode: mode_t = 0o644,
                     describing what: @autoclosure () -> String) throws(SystemError) -> Int32 {
        try call("open \(what())") { openat(directory, name, flags | O_CLOEXEC, mode) }
    }

    /// What is at `name` in the directory open as `directory`, without following a symbolic link
    /// there; `nil` when nothing is.
    static func linkStatus(_ name: String, in directory: Int32, describing what: @autoclosure () -> String) throws(SystemError) -> stat? {
        var info = stat()
        do { _ = try call("stat \(what())") { fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) } } catch where error.code == ENOENT {
            return nil
        }
        return info
    }

    /// Cuts the file open as `fd` to `length` bytes.
    static func truncate(_ fd: Int32, to length: off_t, describing what: @autoclosure () -> String) throws(SystemError) {
        _ = try call("truncate \(what())") { ftruncate(fd, length) }
    }

    /// Renames `name` to `newName`, both in the directory open as `directory`, replacing whatever
    /// is at `newName` (a symbolic link itself, never its target).
    static func rename(_ name: String, to newName: String, in directory: Int32, describing what: @autoclosure () -> String) throws(SystemError) {
        _ = try call("rename \(what())") { renameat(directory, name, directory, newName) }
    }

    /// Removes `name` from the directory open as `directory`.
    static func unlink(_ name: String, in directory: Int32, describing what: @autoclosure () -> String) throws(SystemError) {
        _ = try call("remove \(what())") { unlinkat(directory, name, 0) }
    }

    // MARK: Terminal

    /// Whether `fd` is a terminal.
    static func isTerminal(_ fd: Int32) -> Bool {
        isatty(fd) == 1
    }

    /// The width in columns of the terminal open as `fd`; 0 when the terminal does not say.
    ///
    /// - Throws: ENOTTY when `fd` is no terminal.
    static func terminalColumns(_ fd: Int32) throws(SystemError) -> Int {
        var size = winsize()
        _ = try call("ioctl TIOCGWINSZ") { ioctl(fd, UInt(TIOCGWINSZ), &size) }
        return Int(size.ws_col)
    }
}
