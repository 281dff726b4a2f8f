import Foundation

/// Appends results to the four result files, one whole line per image, written with a single
/// `write(2)` each as soon as the image is done, so that a crash loses only the images in flight.
///
/// Only the supervisor writes results; workers never touch these files.
public final class ResultWriter {
    /// `good_image.txt`: one reference a line.
    public static let goodFile = "good_image.txt"
    /// `error_image.txt`: `REF<TAB>CATEGORY<TAB>message` a line.
    public static let errorFile = "error_image.txt"
    /// `timeout_image.txt`: one reference a line.
    public static let timeoutFile = "timeout_image.txt"
    /// `results.jsonl`: one JSON object per image.
    public static let recordsFile = "results.jsonl"
    static let allFiles = [goodFile, errorFile, timeoutFile, recordsFile]

    private var descriptors: [String: Int32] = [:]
    private let directory: String
    private let encoder = JSONEncoder()

    /// Opens (and if needed creates) the result files in `directory`.
    ///
    /// - Throws: ``VerifyError/outputHoldsResults(path:)`` when a file already holds results and
    ///   `overwrite` is false; ``VerifyError/outputNotWritable(_:)`` when a file cannot be opened.
    public init(directory: String, overwrite: Bool) throws(VerifyError) {
        self.directory = directory
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { try Posix.makeDirectories(directory) } catch { throw .outputNotWritable(error) }
        if !overwrite {
            for name in Self.allFiles {
                let path = self.path(name)
                var info = stat()
                if stat(path, &info) == 0 && info.st_size > 0 { throw .outputHoldsResults(path: path) }
            }
        }
        let flags = O_WRONLY | O_CREAT | O_APPEND | (overwrite ? O_TRUNC : 0)
        do {
            for name in Self.allFiles {
                descriptors[name] = try Posix.open(path(name), flags: flags)
            }
        } catch {
            close()
            throw .outputNotWritable(error)
        }
    }

    deinit { close() }

    /// Appends `record` to `results.jsonl` and its line to the status file.
    public func write(_ record: ImageRecord) throws(VerifyError) {
        let json: Data
        do { json = try encoder.encode(record) } catch {
            preconditionFailure("an ImageRecord always encodes: \(error)")
        }
        try append(Array(json) + [UInt8(ascii: "\n")], to: Self.recordsFile)
        switch record.verdict.status {
        case .good:
            try append(Array((record.reference + "\n").utf8), to: Self.goodFile)
        case .timeout:
            try append(Array((record.reference + "\n").utf8), to: Self.timeoutFile)
        case .error:
            let category = record.verdict.category ?? .other
            let line = [EscapedText.make(record.reference), category.rawValue, OneLine.make(record.verdict.message ?? "")].joined(separator: "\t")
            try append(Array((line + "\n").utf8), to: Self.errorFile)
        }
    }

    /// Closes the files. Writing after this is a programming error.
    public func close() {
        for fd in descriptors.values { Glibc.close(fd) }
        descriptors.removeAll()
    }

    private func append(_ bytes: [UInt8], to name: String) throws(VerifyError) {
        guard let fd = descriptors[name] else { preconditionFailure("write after close") }
        do { try Posix.writeAll(fd, bytes, describing: path(name)) } catch { throw .outputNotWritable(error) }
    }

    private func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}
