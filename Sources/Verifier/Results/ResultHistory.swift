import Foundation

/// What an output directory's `results.jsonl` holds: the newest record of each list line (the
/// newest wins: the file is append-only, the history of every run into the directory).
///
/// Lines are matched by their text as written, never by line number, so that an edited or
/// re-sorted list still resumes correctly.
struct ResultHistory {
    /// The newest record of one list line.
    struct Newest: Equatable {
        /// Its status.
        var status: ImageStatus
        /// Where its line starts in `results.jsonl`.
        var offset: Int
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
    /// Lines that are not records (other than a torn tail): their offsets.
    private(set) var unreadable: [Int] = []
    /// The torn last line, if any.
    private(set) var tornTail: TornTail?
    /// The last line is a whole record without its newline.
    private(set) var lacksFinalNewline = false

    /// The newest record of the list line `text`, if it has one.
    func newest(of text: String) -> Newest? { newest[LineKey(text)] }

    /// Reads `results.jsonl` from `descriptor` (from its start) to its end.
    static func read(_ descriptor: Int32, describing path: String) throws(SystemError) -> ResultHistory {
        var history = ResultHistory()
        try LineReader.forEachLine(descriptor, describing: path) { line in
            if let record = line.bytes.flatMap(RecordScanner.fields(of:)) {
                history.note(record.reference, record.status, at: line.offset)
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

    /// Counts a record of `text` with `status`, written at `offset`: the newest of its line.
    mutating func note(_ text: String, _ status: ImageStatus, at offset: Int) {
        newest[LineKey(text)] = Newest(status: status, offset: offset)
    }
}
