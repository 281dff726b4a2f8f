import Foundation

/// Writes a report whole or not at all: to a new hidden file beside it, then renamed over it, so
/// a reader (node_exporter's textfile collector, a browser, a CI job) never sees half of one.
enum ReportFile {
    /// Replaces the file at `path` with `text`.
    ///
    /// - Throws: ``VerifyError/outputNotWritable(_:)``, or ``VerifyError/outputFull(_:)``.
    static func write(_ text: String, to path: String) throws(VerifyError) {
        do { try replace(path, with: Array(text.utf8)) } catch { throw .writing(error) }
    }

    private static func replace(_ path: String, with bytes: [UInt8]) throws(SystemError) {
        let url = URL(fileURLWithPath: path)
        let directoryPath = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let temporary = ".\(name).new-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        let directory = try Posix.open(directoryPath, flags: O_RDONLY | O_DIRECTORY)
        defer { close(directory) }
        let descriptor = try Posix.open(temporary, in: directory, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
                                        describing: "\(directoryPath)/\(temporary)")
        defer { close(descriptor) }
        do throws(SystemError) {
            try Posix.writeAll(descriptor, bytes, describing: "\(directoryPath)/\(temporary)")
            try Posix.rename(temporary, to: name, in: directory, describing: "\(directoryPath)/\(temporary) to \(path)")
        } catch {
            try? Posix.unlink(temporary, in: directory, describing: temporary)
            throw error
        }
    }
}
