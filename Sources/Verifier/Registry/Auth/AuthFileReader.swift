#if canImport(Glibc)
import Glibc
#endif

/// Reads a credentials file whole, through ``Posix``, refusing anything larger than ``limit``.
enum AuthFileReader {
    /// More than any credentials file holds: docker's config.json is a few KiB.
    static let limit = 1024 * 1024

    /// The bytes of `path`, or `nil` when there is no such file (a missing file is normal: most
    /// people have only one of docker's and podman's).
    static func read(_ path: String) throws(AuthFileError) -> [UInt8]? {
        let fd: Int32
        do { fd = try Posix.open(path, flags: O_RDONLY) } catch {
            if error.code == ENOENT || error.code == ENOTDIR { return nil }
            throw .unreadable(path: path, reason: String(cString: strerror(error.code)))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        do {
            let info = try Posix.fileStatus(fd, describing: path)
            guard info.st_mode & S_IFMT == S_IFREG else { throw AuthFileError.unreadable(path: path, reason: "not a regular file") }
            while true {
                let count = try Posix.read(fd, into: &chunk, describing: path)
                if count == 0 { return bytes }
                bytes += chunk[..<count]
                if bytes.count > limit { throw AuthFileError.tooLarge(path: path, limit: limit) }
            }
        } catch let error as AuthFileError {
            throw error
        } catch let error as SystemError {
            throw .unreadable(path: path, reason: String(cString: strerror(error.code)))
        } catch {
            throw .unreadable(path: path, reason: "\(type(of: error))")
        }
    }
}
