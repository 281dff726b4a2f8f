import Foundation

/// Appends results to the four result files, one whole line per image, written with a single
/// `write(2)` each as soon as the image is done, so that a crash loses only the images in flight.
///
/// Only the supervisor writes results; workers never touch these files. `verify` often runs as
/// root, in a directory others may write to, so the files are handled as untrusted names:
/// - a name that holds anything but a regular file (a symbolic link, a FIFO, a directory) is
///   refused, never followed or opened; every name is resolved in the directory opened once;
/// - with `overwrite`, the new files are created under temporary names beside the old ones, and
///   renamed over them by the first record; until then the old results are untouched, and a
///   writer closed without a record removes the temporary files;
/// - a record is all or nothing: when a write fails, every file it touched is cut back;
/// - with `resume`, a torn last line of `results.jsonl` (a crash mid-write) is cut off, and the
///   status files are written anew from the newest record of each line, so that a crash at any
///   moment leaves each line in exactly one of them, once.
final class ResultWriter {
    /// What to do with results already in the directory.
    enum Mode: Sendable {
        /// Refuse to run where results are.
        case fresh
        /// Replace them, once the first new record is written.
        case overwrite
        /// Continue them: append, after reading what is there.
        case resume
    }

    /// `good_image.txt`: one reference a line.
    static let goodFile = "good_image.txt"
    /// `error_image.txt`: `REF<TAB>CATEGORY<TAB>message` a line.
    static let errorFile = "error_image.txt"
    /// `timeout_image.txt`: one reference a line.
    static let timeoutFile = "timeout_image.txt"
    /// `results.jsonl`: one JSON object per image.
    static let recordsFile = "results.jsonl"
    /// `results.jsonl` first: it is the complete record, and so is written and renamed first.
    static let allFiles = [recordsFile, goodFile, errorFile, timeoutFile]

    /// One open result file.
    private struct OpenFile {
        let descriptor: Int32
        /// Its length with what the record being written has added so far. Counted here, as
        /// O_APPEND writes wherever the end is: from the length when opened, plus every write.
        var length: off_t
        /// Its length before the record being written: where a failed record is cut back to.
        var committed: off_t
    }

    private var files: [String: OpenFile] = [:]
    /// With `overwrite`, until the first record: the temporary name of each file, by final name.
    private var pendingRenames: [String: String] = [:]
    private let directory: String
    /// The output directory, opened once: every name is resolved in it.
    private var directoryDescriptor: Int32 = -1
    private let encoder = JSONEncoder()
    private let mode: Mode

    /// With `resume`: the records already there, and every record written since (only a resumed
    /// run rewrites the status files from it, so only a resumed run keeps it).
    private(set) var history = ResultHistory()

    /// Whether a record has been written. With `overwrite`, this is also whether the old results
    /// have been replaced: until then they are as they were, and ``close()`` leaves them so.
    private(set) var hasWritten = false

    /// Opens (and if needed creates) the result files in `directory`, and writes `run.json` for
    /// `parameters`; with `overwrite`, creates new files that replace the old ones when the first
    /// record is written; with `resume`, reads the records there first.
    ///
    /// - Throws: ``VerifyError/outputHoldsResults(path:)`` when a file already holds results and
    ///   the mode is `fresh`; ``VerifyError/resumeMismatch(path:difference:)`` when `run.json`
    ///   says the results answer another question; ``VerifyError/outputNotWritable(_:)`` when a
    ///   file cannot be opened, or a name holds something that is not a regular file. No refusal
    ///   creates a file.
    init(directory: String, mode: Mode, parameters: RunParameters) throws(VerifyError) {
        self.mode = mode
        self.directory = directory
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            try Posix.makeDirectories(directory)
            directoryDescriptor = try Posix.open(directory, flags: O_RDONLY | O_DIRECTORY)
        } catch { throw .outputNotWritable(error) }
        // One writer a directory: two runs into it would pull each image twice, race each other's
        // docker rmi, and rename status files from under each other.
        let locked: Bool
        do { locked = try Posix.tryLock(directoryDescriptor, describing: directory) } catch {
            close()
            throw .outputNotWritable(error)
        }
        guard locked else {
            close()
            throw .outputInUse(path: directory)
        }
        do throws(VerifyError) {
            // Every name is checked before anything is created, so that a refusal creates nothing.
            for name in Self.allFiles {
                guard let info = try existingFile(name) else { continue }
                if mode == .fresh && info.st_size > 0 { throw .outputHoldsResults(path: path(name)) }
            }
            switch mode {
            case .fresh:
                for name in Self.allFiles { files[name] = try openForAppending(name) }
                try replaceWhole(RunParameters.fileName, with: parameters.encoded)
            case .overwrite:
                for name in Self.allFiles { files[name] = try createReplacement(for: name) }
                try prepareReplacement(RunParameters.fileName, with: parameters.encoded)
            case .resume:
                if try existingFile(RunParameters.fileName) != nil, let earlier = try readParameters(),
                   let difference = parameters.difference(from: earlier) {
                    throw .resumeMismatch(path: path(RunParameters.fileName), difference: difference)
                }
                files[Self.recordsFile] = try openRecordsToResume()
                if try statusFilesAgree() {
                    for name in Self.statusFiles { files[name] = try openForAppending(name) }
                } else {
                    try rewriteStatusFiles()
                }
                try replaceWhole(RunParameters.fileName, with: parameters.encoded)
            }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Appends `record` to `results.jsonl` and its line to the status file; with `overwrite`, the
    /// first record then replaces the old files.
    ///
    /// - Throws: ``VerifyError/outputFull(_:)`` when the disk or the file size limit is full,
    ///   ``VerifyError/outputNotWritable(_:)`` for any other failure. Either way the record is
    ///   taken back whole: no file keeps any part of it.
    func write(_ record: ImageRecord) throws(VerifyError) {
        let json: Data
        do { json = try encoder.encode(record) } catch {
            preconditionFailure("an ImageRecord always encodes: \(error)")
        }
        try write(line: JSONLine.make(json), reference: record.reference, status: record.verdict.status,
                  category: record.verdict.category, message: record.verdict.message)
    }

    /// Appends `line`, a record as `results.jsonl` holds it (its newline included), and the
    /// status line of its `reference`, `status`, `category` and `message`: what ``write(_:)``
    /// does with a record already encoded (`verify merge` copies records so).
    ///
    /// - Throws: what ``write(_:)`` throws.
    func write(line: [UInt8], reference: String, status: ImageStatus, category: ErrorCategory?, message: String?) throws(VerifyError) {
        try append(line, to: Self.recordsFile)
        let statusLine = Self.statusLine(reference: reference, status: status, category: category, message: message)
        try append(statusLine.bytes, to: statusLine.file)
        do { try replaceOldFiles() } catch {
            takeBackRecord()
            throw .outputNotWritable(error)
        }
        for (name, file) in files { files[name]?.committed = file.length }
        if case .resume = mode { history.noteWritten(reference, status) }
        hasWritten = true
    }

    /// The status file a record goes to, and its line there: the reference for `good_image.txt`
    /// and `timeout_image.txt`; `REF<TAB>CATEGORY<TAB>message` for `error_image.txt`.
    static func statusLine(reference: String, status: ImageStatus, category: ErrorCategory?, message: String?) -> (file: String, bytes: [UInt8]) {
        switch status {
        case .good:
            return (goodFile, Array((reference + "\n").utf8))
        case .timeout:
            return (timeoutFile, Array((reference + "\n").utf8))
        case .error:
            let line = [EscapedText.make(reference), (category ?? .other).rawValue, OneLine.make(message ?? "")].joined(separator: "\t")
            return (errorFile, Array((line + "\n").utf8))
        }
    }

    /// `good_image.txt`, `error_image.txt` and `timeout_image.txt`.
    static let statusFiles = [goodFile, errorFile, timeoutFile]

    /// Whether each status file already holds exactly one whole line for each record of its status,
    /// with no line recorded twice: what a run that was stopped or killed leaves (a record is written before its
    /// status line, so a crash between the two leaves one line fewer, and a re-run failure leaves
    /// two records of one line). Then a resumed run appends to them as they are, instead of
    /// rewriting a million lines. A line of `results.jsonl` that is no record (a record too long to
    /// read back, a line edited by hand) may have a status line the count cannot tell from the one a
    /// crash took away: the files are then rewritten.
    private func statusFilesAgree() throws(VerifyError) -> Bool {
        guard history.recordCount == history.newest.count, history.unreadable.isEmpty else { return false }
        let records = history.countsByStatus()
        for (name, status) in zip(Self.statusFiles, [ImageStatus.good, .error, .timeout]) {
            guard try existingFile(name) != nil else {
                if records[status, default: 0] > 0 { return false }
                continue
            }
            let descriptor: Int32
            do {
                descriptor = try Posix.open(name, in: directoryDescriptor, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK, describing: path(name))
            } catch { throw .outputNotWritable(error) }
            defer { Glibc.close(descriptor) }
            let count: (lines: Int, whole: Bool)
            do { count = try LineReader.countLines(descriptor, describing: path(name)) } catch { throw .outputNotWritable(error) }
            guard count.whole, count.lines == records[status, default: 0] else { return false }
        }
        return true
    }

    /// Writes the three status files anew from the newest record of each line, in the order of
    /// `results.jsonl`, each to a new file renamed over the old one: each line ends up in exactly
    /// one of them, once. Used on resume, and at the end of a run that re-ran failures.
    func rewriteStatusFiles() throws(VerifyError) {
        let statusFiles = Self.statusFiles
        var replacements: [String: OpenFile] = [:]
        do throws(VerifyError) {
            for name in statusFiles {
                if let open = files.removeValue(forKey: name) { Glibc.close(open.descriptor) }
                replacements[name] = try createReplacement(for: name)
            }
            let records: Int32
            do { records = try Posix.open(Self.recordsFile, in: directoryDescriptor, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK,
                                          describing: path(Self.recordsFile)) } catch { throw .outputNotWritable(error) }
            defer { Glibc.close(records) }
            let newest = history
            var index: UInt32 = 0
            do {
                try LineReader.forEachLine(records, describing: path(Self.recordsFile)) { line throws(SystemError) in
                    guard let bytes = line.bytes, let fields = RecordScanner.fields(of: bytes) else { return }
                    defer { index += 1 }
                    guard newest.newest(of: fields.reference)?.index == index else { return }
                    // Only an error's line needs more than the reference: its category and message.
                    let record = fields.status == .error ? try? JSONDecoder().decode(ResultHistory.StoredRecord.self, from: Data(bytes)) : nil
                    let status = Self.statusLine(reference: fields.reference, status: fields.status,
                                                 category: record?.category, message: record?.message)
                    guard let file = replacements[status.file] else { return }
                    try Posix.writeAll(file.descriptor, status.bytes, describing: path(status.file))
                    replacements[status.file]?.length += off_t(status.bytes.count)
                }
            } catch { throw .writing(error) }
            for name in statusFiles {
                do { try Posix.rename(pendingRenames[name]!, to: name, in: directoryDescriptor, describing: path(name)) } catch {
                    throw .outputNotWritable(error)
                }
                pendingRenames[name] = nil
                files[name] = replacements[name].map { OpenFile(descriptor: $0.descriptor, length: $0.length, committed: $0.length) }
            }
        } catch {
            for file in replacements.values { Glibc.close(file.descriptor) }
            throw error
        }
    }

    /// Closes the files. With `overwrite` and no record written, removes the new files, so that
    /// the old results stay as they were. Writing after this is a programming error.
    func close() {
        for file in files.values { Glibc.close(file.descriptor) }
        files.removeAll()
        for temporary in pendingRenames.values {
            try? Posix.unlink(temporary, in: directoryDescriptor, describing: path(temporary))
        }
        pendingRenames.removeAll()
        if directoryDescriptor >= 0 { Glibc.close(directoryDescriptor) }
        directoryDescriptor = -1
    }

    // MARK: Opening

    /// Opens `results.jsonl` to resume it: reads every record, cuts off a torn last line (and
    /// says so), and leaves the descriptor appending.
    private func openRecordsToResume() throws(VerifyError) -> OpenFile {
        let name = Self.recordsFile
        let descriptor: Int32
        do {
            descriptor = try Posix.open(name, in: directoryDescriptor, flags: O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, describing: path(name))
        } catch { throw .outputNotWritable(error) }
        do throws(VerifyError) {
            let info: stat
            do { info = try Posix.fileStatus(descriptor, describing: path(name)) } catch { throw .outputNotWritable(error) }
            try requireRegularFile(info, name)
            do {
                history = try ResultHistory.read(descriptor, describing: path(name))
                var length = info.st_size
                if let torn = history.tornTail {
                    try Posix.truncate(descriptor, to: off_t(torn.offset), describing: path(name))
                    length = off_t(torn.offset)
                    Console.line("verify: \(path(name)): the last line, at byte \(torn.offset), was torn by a crash (\(torn.length) bytes without a newline); it is cut off, and its image is verified again")
                }
                if !history.unreadable.isEmpty {
                    Console.line("verify: \(path(name)): \(history.unreadable.count) lines are not records (the first at byte \(history.unreadable[0])); they are ignored")
                }
                try Posix.setFlags(descriptor, F_SETFL, O_APPEND)
                if history.lacksFinalNewline {
                    try Posix.writeAll(descriptor, [UInt8(ascii: "\n")], describing: path(name))
                    length += 1
                }
                return OpenFile(descriptor: descriptor, length: length, committed: length)
            } catch { throw .outputNotWritable(error) }
        } catch {
            Glibc.close(descriptor)
            throw error
        }
    }

    /// The parameters in `run.json`, or `nil` when it cannot be read as such.
    private func readParameters() throws(VerifyError) -> RunParameters? {
        let name = RunParameters.fileName
        let descriptor: Int32
        do { descriptor = try Posix.open(name, in: directoryDescriptor, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK, describing: path(name)) } catch {
            throw .outputNotWritable(error)
        }
        defer { Glibc.close(descriptor) }
        let bytes: [UInt8]
        do { bytes = try Posix.readAll(descriptor, describing: path(name)) } catch { throw .outputNotWritable(error) }
        return try? JSONDecoder().decode(RunParameters.self, from: Data(bytes))
    }

    /// Writes `bytes` to the file that will replace `name` (under its hidden name), and closes it.
    private func prepareReplacement(_ name: String, with bytes: [UInt8]) throws(VerifyError) {
        let replacement = try createReplacement(for: name)
        defer { Glibc.close(replacement.descriptor) }
        do { try Posix.writeAll(replacement.descriptor, bytes, describing: path(name)) } catch { throw .writing(error) }
    }

    /// Replaces `name` whole with `bytes`: a new file renamed over it.
    private func replaceWhole(_ name: String, with bytes: [UInt8]) throws(VerifyError) {
        try prepareReplacement(name, with: bytes)
        do { try Posix.rename(pendingRenames[name]!, to: name, in: directoryDescriptor, describing: path(name)) } catch {
            throw .outputNotWritable(error)
        }
        pendingRenames[name] = nil
    }

    /// What is at `name`, without following a link; `nil` when nothing is.
    ///
    /// - Throws: ``VerifyError/outputNotWritable(_:)`` when it is not a regular file.
    private func existingFile(_ name: String) throws(VerifyError) -> stat? {
        let info: stat?
        do { info = try Posix.linkStatus(name, in: directoryDescriptor, describing: path(name)) } catch { throw .outputNotWritable(error) }
        if let info { try requireRegularFile(info, name) }
        return info
    }

    /// Opens `name` to append to it, creating it if needed, but never through a symbolic link and
    /// never waiting on a FIFO: the open does not block, and what it opened must be a regular file.
    private func openForAppending(_ name: String) throws(VerifyError) -> OpenFile {
        let descriptor: Int32
        do {
            descriptor = try Posix.open(name, in: directoryDescriptor, flags: O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK,
                                        describing: path(name))
        } catch { throw .outputNotWritable(error) }
        do throws(VerifyError) {
            let info: stat
            do { info = try Posix.fileStatus(descriptor, describing: path(name)) } catch { throw .outputNotWritable(error) }
            try requireRegularFile(info, name)
            do { try Posix.setFlags(descriptor, F_SETFL, O_APPEND) } catch { throw .outputNotWritable(error) }  // and O_NONBLOCK no longer
            return OpenFile(descriptor: descriptor, length: info.st_size, committed: info.st_size)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
    }

    /// Creates the file that will replace `name`, under a new hidden name beside it (O_EXCL: never
    /// one that is already there), leaving `name` itself alone until the first record.
    private func createReplacement(for name: String) throws(VerifyError) -> OpenFile {
        let temporary = ".\(name).new-\(String(UInt64.random(in: .min ... .max), radix: 16))"
        let descriptor: Int32
        do {
            descriptor = try Posix.open(temporary, in: directoryDescriptor,
                                        flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND, describing: path(temporary))
        } catch { throw .outputNotWritable(error) }
        pendingRenames[name] = temporary
        return OpenFile(descriptor: descriptor, length: 0, committed: 0)
    }

    /// Refuses `name` unless `info` is a regular file's, with a line that says what is there
    /// instead.
    private func requireRegularFile(_ info: stat, _ name: String) throws(VerifyError) {
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFLNK: kind = "a symbolic link"
        case S_IFIFO: kind = "a FIFO"
        case S_IFDIR: kind = "a directory"
        case S_IFSOCK: kind = "a socket"
        default: kind = "a device"
        }
        throw .outputNotARegularFile(path: path(name), kind: kind)
    }

    // MARK: Writing

    /// Writes `bytes` at the end of `name`, a part of the record being written.
    ///
    /// - Throws: what ``write(_:)`` throws, once the record is taken back.
    private func append(_ bytes: [UInt8], to name: String) throws(VerifyError) {
        guard let file = files[name] else { preconditionFailure("write after close") }
        do { try Posix.writeAll(file.descriptor, bytes, describing: path(name)) } catch {
            takeBackRecord(including: name)
            throw .writing(error)
        }
        files[name]?.length += off_t(bytes.count)
    }

    /// Cuts every file the record being written has touched (`failed`, whose write failed part
    /// way, too) back to its length before the record. A file that cannot be cut keeps the part;
    /// the write's error is the one to report.
    private func takeBackRecord(including failed: String? = nil) {
        for (name, file) in files where name == failed || file.length != file.committed {
            try? Posix.truncate(file.descriptor, to: file.committed, describing: path(name))
            files[name]?.length = file.committed
        }
    }

    /// With `overwrite`, once the run has completed: replaces the old results even when no record
    /// was written (an empty list), so that no file tells of the run that was overwritten.
    ///
    /// - Throws: ``VerifyError/outputNotWritable(_:)`` when a rename fails.
    public func commit() throws(VerifyError) {
        do { try replaceOldFiles() } catch { throw .outputNotWritable(error) }
    }

    /// With `overwrite`, after the first record: renames each new file over its final name,
    /// `results.jsonl` first and `run.json` last. A rename replaces whatever is at the name, a
    /// symbolic link itself and never its target. Should one fail, the files renamed before it are
    /// replaced already.
    private func replaceOldFiles() throws(SystemError) {
        guard !pendingRenames.isEmpty else { return }
        for name in Self.allFiles + [RunParameters.fileName] {
            guard let temporary = pendingRenames[name] else { continue }
            try Posix.rename(temporary, to: name, in: directoryDescriptor, describing: "\(path(temporary)) to \(path(name))")
            pendingRenames[name] = nil
        }
    }

    private func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}
