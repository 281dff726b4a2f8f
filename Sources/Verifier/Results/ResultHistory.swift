import Foundation

/// What an output directory's `results.jsonl` holds: the newest record of each list line (the
/// newest wins: the file is append-only, the history of every run into the directory).
///
/// Lines are matched by their text as written, never by line number, so that an edited or
/// re-sorted list still resumes correctly.
///
/// A class: the writer notes every record it writes, and the planning of the list marks the lines
/// it meets, in the one copy; a million records cost 28 bytes each, once.
final class ResultHistory {
    /// The newest record of one list line.
    struct Newest: Equatable {
        /// Which record of `results.jsonl` it is (0 for the first).
        var index: UInt32
        /// The list line (1-based) where this run met the line, once it has; 0 before.
        var seenOnLine: UInt32 = 0
        /// Its status.
        var status: ImageStatus
    }

    /// The fields of a stored record that resuming needs.
    struct StoredRecord: Decodable {
        let reference: String
        let status: ImageStatus
        let category: ErrorCategory?
        let message: String?
    }

    /// A last line without its newline: a record torn by a crash mid-write.
    struct TornTail: Equatable {
        /// Where it starts: the length of the file without it.
        let offset: Int
        /// Its length in bytes.
        let length: Int
    }

    private(set) var newest: [LineKey: Newest] = [:]
    /// Records read or noted, superseded ones included.
    private(set) var recordCount = 0
    /// Lines that are not records (other than a torn tail): their offsets.
    private(set) var unreadable: [Int] = []
    /// The torn last line, if any.
    private(set) var tornTail: TornTail?
    /// The last line is a whole record without its newline.
    private(set) var lacksFinalNewline = false

    /// The newest record of the list line `text`, if it has one.
    func newest(of text: String) -> Newest? { newest[LineKey(text)] }

    /// Lines of the list met so far that have a record.
    private(set) var matched = 0

    /// Where the records this run wrote begin (``noteWritten(_:_:)``), once it has written one.
    private var firstWritten: Int?
    /// Lines whose every record is one this run wrote.
    private var linesWritten = 0

    /// The newest record of the list line whose key is `key`, which this run meets on `line`; marks
    /// it met. `seenOnLine` of the answer is the line where it was met before, or 0.
    ///
    /// A line whose only records are this run's has no earlier result: `nil`. (The planner met it
    /// before this run recorded it, so a repeat of it is a duplicate, and the planner knows it.)
    func meet(_ key: LineKey, on line: Int) -> Newest? {
        guard let found = peek(key) else { return nil }
        if found.seenOnLine == 0 {
            newest[key]?.seenOnLine = UInt32(clamping: line)
            matched += 1
        }
        return found
    }

    /// What ``meet(_:on:)`` would answer for `key`, without marking the line met.
    func peek(_ key: LineKey) -> Newest? {
        guard let found = newest[key] else { return nil }
        if found.seenOnLine == 0, let firstWritten, found.index >= firstWritten { return nil }
        return found
    }

    /// How many lines' newest records have each status.
    func countsByStatus() -> [ImageStatus: Int] {
        var counts: [ImageStatus: Int] = [:]
        for record in newest.values { counts[record.status, default: 0] += 1 }
        return counts
    }

    /// Records in the file for lines this run has not met.
    var unmatched: Int { newest.count - linesWritten - matched }

    /// Reads `results.jsonl` from `descriptor` (from its start) to its end.
    static func read(_ descriptor: Int32, describing path: String) throws(SystemError) -> ResultHistory {
        let history = ResultHistory()
        // Room for every record at once: growing a table of a million copies it twice, at its peak.
        history.newest.reserveCapacity(try LineReader.countLines(descriptor, describing: path).lines)
        try LineReader.forEachLine(descriptor, describing: path) { line in
            if let record = line.bytes.flatMap(RecordScanner.fields(of:)) {
                history.note(record.reference, record.status)
                // A whole record that only lacks its newline (a file joined by hand) is kept.
                if !line.terminated { history.lacksFinalNewline = true }
            } else if !line.terminated {
                history.tornTail = TornTail(offset: line.offset, length: line.length)
            } else {
                history.unreadable.append(line.offset)
            }
        }
        return history
    }

    /// Counts the next record read, of `text` with `status`: the newest of its line.
    func note(_ text: String, _ status: ImageStatus) {
        note(LineKey(text), status)
    }

    /// Counts the next record, of `text` with `status`, as one this run wrote: no earlier result
    /// for its line (``meet(_:on:)``), nor a record of a line gone from the list (``unmatched``).
    func noteWritten(_ text: String, _ status: ImageStatus) {
        let key = LineKey(text)
        if firstWritten == nil { firstWritten = recordCount }
        if newest[key] == nil { linesWritten += 1 }
        note(key, status)
    }

    private func note(_ key: LineKey, _ status: ImageStatus) {
        newest[key] = Newest(index: UInt32(clamping: recordCount), seenOnLine: newest[key]?.seenOnLine ?? 0, status: status)
        recordCount += 1
    }
}
