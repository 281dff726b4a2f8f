#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which one, on what, and the `errno` it gave.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    /// What was being done, for example `open /var/results/good_image.txt`.
    let operation: String
    /// The `errno` value, read right after the call (see ``Posix/call(_:_:)``).
    let code: Int32

    /// `code` is the errno of the failed call, which the caller captured before doing anything
    /// else: building `operation` may allocate, and allocating may change errno.
    init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// `operation: reason`, for example `open /x: Permission denied`.
    public var description: String { "\(operation): \(String(cString: strerror(code)))" }

    /// The device or the file size limit is full: more space is what the user must find.
    var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT || code == EFBIG }
}
