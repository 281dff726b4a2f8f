#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which one, on what, and the `errno` it gave.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    /// What was being done, for example `open /var/results/good_image.txt`.
    public let operation: String
    /// The `errno` value.
    public let code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    /// `operation: reason`, for example `open /x: Permission denied`.
    public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// Thin wrappers over the system calls the library makes outside libuv, in the style of
/// swift-nio's: retry on EINTR, turn -1 into a thrown ``SystemError``.
enum Posix {
    /// Writes all of `bytes`, retrying after short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], describing what: @autoclosure () -> String) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemError("write \(what())")
            }
            offset += written
        }
    }

    /// Opens `path` close-on-exec.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws(SystemError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw SystemError("open \(path)") }
        }
    }

    /// Reads the whole file at `path`, or standard input for `-`.
    static func readAll(_ path: String) throws(SystemError) -> [UInt8] {
        let fd = path == "-" ? STDIN_FILENO : try open(path, flags: O_RDONLY)
        defer { if fd != STDIN_FILENO { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError("read \(path)")
            }
            bytes += chunk[..<count]
        }
    }

    /// Creates `path` and its missing parents, like `mkdir -p`.
    static func makeDirectories(_ path: String) throws(SystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw SystemError("create directory \(current)") }
        }
    }

    /// Sends `signal` to every process in the group `processGroup`; a group that is already gone is fine.
    static func signalGroup(_ processGroup: Int32, _ signal: Int32) {
        guard processGroup > 1 else { return }
        _ = kill(-processGroup, signal)
    }
}
