#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `verify merge OUT DIR…`: joins the results of several output directories (the shards of one
/// list, or one directory resumed many times) into one, as if one run had verified the whole list.
///
/// - Every directory must hold a `run.json` that agrees with the first's on what "good" means
///   (``RunParameters/differenceInMeaning(from:)``); its shard may differ. Missing shards, and
///   directories that split the list differently, are warned about (``ShardCoverage``).
/// - The newest record of each reference wins (``MergeIndex``): a first pass reads every
///   `results.jsonl` and keeps only where each winner is; a second copies the winning lines, as
///   they are, in the order of the directories and of their files. Memory grows with the
///   references, never with the records.
/// - `OUT` is written by ``ResultWriter``, so it has the same safety as a run's output directory:
///   regular files only, no link followed, results there refused unless `overwrite`, and then
///   replaced by new files renamed over them. Its `run.json` holds the common parameters, without
///   a shard.
/// - Each directory to merge is locked as a run locks it, so that no `verify` writes into it while
///   it is read twice.
public enum ResultMerge {
    /// One directory to merge, open and locked.
    private final class Input {
        let path: String
        let descriptor: Int32
        let parameters: RunParameters

        init(path: String) throws(VerifyError) {
            self.path = path
            do { descriptor = try Posix.open(path, flags: O_RDONLY | O_DIRECTORY) } catch {
                throw .mergeInput(path: path, problem: "\(error)")
            }
            do throws(VerifyError) {
                let locked: Bool
                do { locked = try Posix.tryLock(descriptor, describing: path) } catch { throw .mergeInput(path: path, problem: "\(error)") }
                guard locked else { throw .mergeInput(path: path, problem: "another verify is writing results into it; wait for it to finish") }
                parameters = try Self.readParameters(descriptor, path: path)
            } catch {
                close(descriptor)
                throw error
            }
        }

        deinit { close(descriptor) }

        /// `results.jsonl`, open for reading; `nil` when there is none (a shard of no line).
        func openRecords() throws(VerifyError) -> Int32? {
            let name = ResultWriter.recordsFile
            let shown = (path as NSString).appendingPathComponent(name)
            let descriptor: Int32
            do {
                descriptor = try Posix.open(name, in: self.descriptor, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK, describing: shown)
            } catch where error.code == ENOENT {
                return nil
            } catch { throw .mergeInput(path: path, problem: "\(error)") }
            let info: stat
            do { info = try Posix.fileStatus(descriptor, describing: shown) } catch {
                close(descriptor)
                throw .mergeInput(path: path, problem: "\(error)")
            }
            guard info.st_mode & S_IFMT == S_IFREG else {
                close(descriptor)
                throw .mergeInput(path: path, problem: "\(name) is not a regular file")
            }
            return descriptor
        }

        /// The parameters in the directory's `run.json`.
        private static func readParameters(_ directory: Int32, path: String) throws(VerifyError) -> RunParameters {
            let name = RunParameters.fileName
            let bytes: [UInt8]
            do {
                let descriptor = try Posix.open(name, in: directory, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK,
                                                describing: (path as NSString).appendingPathComponent(name))
                defer { close(descriptor) }
                bytes = try Posix.readAll(descriptor, describing: name)
            } catch where error.code == ENOENT {
                throw .mergeInput(path: path, problem: "it holds no \(name), so it is no verify output directory (or its run never started)")
            } catch { throw .mergeInput(path: path, problem: "\(error)") }
            guard let parameters = try? JSONDecoder().decode(RunParameters.self, from: Data(bytes)) else {
                throw .mergeInput(path: path, problem: "its \(name) cannot be read as verify's")
            }
            return parameters
        }
    }

    /// Merges the results in `directories` into `output`; with `overwrite`, replaces the results
    /// there. Warnings go to stderr as they are found.
    ///
    /// - Throws: ``VerifyError`` before anything is written: a directory that cannot be read or
    ///   whose results answer another question, `output` among the directories, or holding results
    ///   without `overwrite`; and the writer's errors (a full disk) after.
    public static func run(directories: [String], output: String, overwrite: Bool) throws(VerifyError) -> MergeSummary {
        // Each directory once (locking it twice would fail), and never the output among them.
        var identities: [[UInt64]: String] = [:]
        for path in directories {
            guard let identity = identity(of: path) else { continue }
            if let earlier = identities[identity] {
                throw .mergeInput(path: path, problem: "it is \(EscapedText.make(earlier)) again; give each directory once")
            }
            identities[identity] = path
        }
        if let identity = identity(of: output), identities[identity] != nil {
            throw .mergeInput(path: output, problem: "it is also a directory to merge; merge into a new directory")
        }
        var inputs: [Input] = []
        for path in directories {
            let input = try Input(path: path)
            if let first = inputs.first, let difference = input.parameters.differenceInMeaning(from: first.parameters) {
                throw .mergeMismatch(path: (path as NSString).appendingPathComponent(RunParameters.fileName),
                                     first: (first.path as NSString).appendingPathComponent(RunParameters.fileName), difference: difference)
            }
            inputs.append(input)
        }
        for warning in ShardCoverage.warnings(inputs.map(\.parameters.shard)) { Console.line("verify: warning: \(warning)") }
        var summary = MergeSummary(directories: inputs.count)
        let index = try indexRecords(inputs, summary: &summary)
        var common = inputs[0].parameters
        common.shard = nil
        let writer: ResultWriter
        do { writer = try ResultWriter(directory: output, mode: overwrite ? .overwrite : .fresh, parameters: common) } catch {
            if case .outputHoldsResults(let path) = error { throw .mergeOutputHoldsResults(path: path) }
            throw error
        }
        defer { writer.close() }
        try copyWinners(inputs, index: index, to: writer, summary: &summary)
        try writer.commit()
        return summary
    }

    /// The device and inode of what `path` names, which tell one directory from another whatever
    /// the path; `nil` when nothing is there (opening it says why).
    private static func identity(of path: String) -> [UInt64]? {
        guard let info = try? Posix.status(path) else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }

    /// The first pass: where the newest record of each reference is.
    private static func indexRecords(_ inputs: [Input], summary: inout MergeSummary) throws(VerifyError) -> MergeIndex {
        var index = MergeIndex()
        try forEachRecord(inputs) { line, reference, _, place in
            index.offer(reference, finishedAt: RecordScanner.finishedAt(of: line), at: place)
        } notARecord: { summary.unreadable += 1 }
        summary.recordsRead = index.offered
        return index
    }

    /// The second pass: copies each winning record, and its status line, to `writer`.
    private static func copyWinners(_ inputs: [Input], index: MergeIndex, to writer: ResultWriter,
                                    summary: inout MergeSummary) throws(VerifyError) {
        try forEachRecord(inputs) { line, reference, status, place throws(VerifyError) in
            guard index.wins(reference, at: place) else { return }
            // Only a failure has a category, and only an error's status line a message.
            let stored = status != .good ? try? JSONDecoder().decode(ResultHistory.StoredRecord.self, from: Data(line)) : nil
            try writer.write(line: Array(line) + [UInt8(ascii: "\n")], reference: reference, status: status,
                             category: stored?.category, message: stored?.message)
            summary.add(status, stored?.category)
        } notARecord: {}
    }

    /// Calls `body` with every record of every input's `results.jsonl`, in order, and
    /// `notARecord` for every line that is none (a torn last line, a line edited by hand).
    private static func forEachRecord(
        _ inputs: [Input],
        _ body: (ArraySlice<UInt8>, String, ImageStatus, MergeIndex.Place) throws(VerifyError) -> Void,
        notARecord: () -> Void
    ) throws(VerifyError) {
        for (number, input) in inputs.enumerated() {
            guard let descriptor = try input.openRecords() else { continue }
            defer { close(descriptor) }
            var reader = LineReader(descriptor, describing: input.path)
            var lineNumber: UInt32 = 0
            while true {
                let next: LineReader.Line?
                do { next = try reader.next() } catch { throw .mergeInput(path: input.path, problem: "\(error)") }
                guard let line = next else { break }
                defer { lineNumber += 1 }
                guard let bytes = line.bytes, let fields = RecordScanner.fields(of: bytes) else {
                    notARecord()
                    continue
                }
                try body(bytes, fields.reference, fields.status, MergeIndex.Place(directory: UInt32(number), line: lineNumber))
            }
        }
    }
}
