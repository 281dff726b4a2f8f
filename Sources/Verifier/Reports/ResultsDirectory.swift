import Foundation

/// What the reports are made from: an output directory's `results.jsonl`, newest record per
/// reference (the file is append-only history), and its `run.json`.
struct ResultsDirectory {
    /// The newest record of each reference, in the order of their newest records.
    var records: [ReportRecord]
    /// The run's parameters; `nil` when `run.json` is missing or unreadable.
    var parameters: RunParameters?
    /// Lines of `results.jsonl` that are no record (a torn tail, a line edited by hand): skipped.
    var skippedLines: Int

    /// Reads `directory`.
    ///
    /// - Throws: ``VerifyError/resultsUnreadable(path:reason:)`` when `results.jsonl` cannot be read.
    static func read(_ directory: String) throws(VerifyError) -> ResultsDirectory {
        let path = (directory as NSString).appendingPathComponent("results.jsonl")
        let descriptor: Int32
        do { descriptor = try Posix.open(path, flags: O_RDONLY) } catch {
            throw .resultsUnreadable(path: path, reason: error.description)
        }
        defer { close(descriptor) }
        var newest: [String: Int] = [:]
        var records: [ReportRecord?] = []
        var skipped = 0
        let decoder = JSONDecoder()
        do {
            try LineReader.forEachLine(descriptor, describing: path) { line in
                guard let bytes = line.bytes, let record = try? decoder.decode(ReportRecord.self, from: Data(bytes)) else {
                    skipped += 1
                    return
                }
                if let earlier = newest[record.reference] { records[earlier] = nil }
                newest[record.reference] = records.count
                records.append(record)
            }
        } catch { throw .resultsUnreadable(path: path, reason: error.description) }
        let runFile = (directory as NSString).appendingPathComponent(RunParameters.fileName)
        let parameters = (try? Posix.readAll(runFile)).flatMap { try? JSONDecoder().decode(RunParameters.self, from: Data($0)) }
        return ResultsDirectory(records: records.compactMap { $0 }, parameters: parameters, skippedLines: skipped)
    }
}
