import Foundation

/// Decides, line by line and in list order, what the run does with each line of the list; no I/O,
/// so that a list of a million lines can be planned a chunk at a time while the first images are
/// already being verified, and so that the rules can be tested like ``ImagePipeline``.
///
/// - Blank lines and comments are skipped, and so are the lines of other shards (`--shard`), which
///   are neither verified nor counted; a line too long to read belongs to the shard of its stand-in.
/// - A line that repeats an earlier one is a duplicate: counted, never verified.
/// - A line with a result from an earlier run (`--resume`) is left out; with `retryFailed`, only
///   when that result is good (an invalid line stays invalid).
/// - A line that is not a valid reference gets an `invalid-reference` record.
/// - Any other line is a job. A job that pulls the same image as an earlier job still open (not
///   yet recorded) shares that job's verification; once the earlier one is recorded, a later one
///   is verified on its own (its pull is over, so nothing can remove the image under it).
///
/// Memory: one entry per distinct image planned, keyed by a 128-bit hash of what it pulls, with a
/// 32-bit tag of the line's text to tell a repeated line from another line that pulls the same
/// image: 24 bytes an image in the index, 16 in the job table.
struct ListPlanner {
    /// What to do with one line.
    enum Planned {
        /// Blank, or a comment.
        case skipped
        /// A repetition of an earlier line.
        case duplicate(ImageList.Duplicate)
        /// A line with a result from an earlier run, whose status it is.
        case earlier(ImageStatus)
        /// A line that is not an image reference: record this.
        case invalid(ImageRecord)
        /// Verify this job (its id is the number of jobs planned before it); `sharing` is the id of
        /// the open job whose verification it shares, if any.
        case job(PlannedJob, sharing: Int?)
    }

    /// The first line (or job) met for a key.
    private struct FirstSeen {
        /// A job's id; for an invalid line (``isInvalid``), its line number.
        var id: UInt32
        /// ``LineKey/tag`` of the line's text, with the top bit set for an invalid line.
        var tagged: UInt32
        var isInvalid: Bool { tagged & 0x8000_0000 != 0 }
        var textTag: UInt32 { tagged & 0x7FFF_FFFF }
    }

    private let registry: RegistryHost?
    private let retryFailed: Bool
    private let shard: Shard?
    private let history: ResultHistory?
    private var firstSeen: [LineKey: FirstSeen] = [:]
    /// Another spelling of an image planned under a key (a line that pulls the same image as the
    /// key's first job, in other words).
    private struct Variant: Hashable {
        let key: LineKey
        let tag: UInt32
    }
    /// The line of every job planned for a key other than its ``firstSeen`` one: few lists have any.
    private var variants: [Variant: UInt32] = [:]
    /// Every job planned, by id: where its line is (16 bytes a job).
    private(set) var jobs: [PlannedJob] = []
    private var lineNumber = 0
    /// Lines planned that are neither blank, nor comments, nor duplicates, nor of another shard.
    private(set) var entries = 0
    /// Lines left out as another shard's (``Shard``), duplicates included.
    private(set) var otherShards = 0

    /// A planner for a list whose lines pull from `registry` (when given), with the results of
    /// earlier runs in `history` (when resuming); only the lines of `shard` are planned, when given.
    init(registry: RegistryHost?, history: ResultHistory?, retryFailed: Bool, shard: Shard? = nil, expectedLines: Int = 0) {
        self.registry = registry
        self.history = history
        self.retryFailed = retryFailed
        self.shard = shard
        firstSeen.reserveCapacity(expectedLines)
        jobs.reserveCapacity(expectedLines)
    }

    /// Records of earlier runs whose line this list has not shown (so far).
    var unmatchedRecords: Int { history?.unmatched ?? 0 }

    /// Plans the next line of the list; `isOpen(id)` says whether job `id` is still to be recorded.
    mutating func plan(_ line: LineReader.Line, at now: Date = Date(), isOpen: (Int) -> Bool) -> Planned {
        lineNumber += 1
        // A line too long to read is recorded under a stand-in, planned like any other invalid line
        // (a --resume finds its record under the stand-in).
        let text = line.bytes.map(ImageList.trim) ?? Self.standIn(line: lineNumber, length: line.length)
        if text.isEmpty || text.hasPrefix("#") { return .skipped }
        if let shard, !shard.contains(text) {
            otherShards += 1
            return .skipped
        }
        let entry = ImageList.Entry(line: lineNumber, text: text)
        let textKey = LineKey(text)
        let newest = history?.meet(textKey, on: lineNumber)
        if let newest {
            if newest.seenOnLine != 0 {
                return .duplicate(ImageList.Duplicate(line: lineNumber, text: text, firstLine: Int(newest.seenOnLine)))
            }
            if !retryFailed || newest.status == .good {
                entries += 1
                return .earlier(newest.status)
            }
        }
        let pulled: ImageReference
        do throws(ReferenceError) {
            guard line.bytes != nil else { throw ReferenceError("longer than \(ListSource.maximumLineLength) bytes") }
            pulled = try Job.pulled(text, registry: registry)
        } catch {
            // Keyed apart from every image: no pulled reference holds a NUL.
            let key = LineKey("\u{0}" + text)
            if let first = firstSeen[key] {
                return .duplicate(ImageList.Duplicate(line: lineNumber, text: text, firstLine: Int(first.id)))
            }
            firstSeen[key] = FirstSeen(id: UInt32(clamping: lineNumber), tagged: 0x8000_0000)
            entries += 1
            // --retry-failed re-runs only what was pulled: an invalid line stays invalid.
            if let newest { return .earlier(newest.status) }
            return .invalid(Self.invalid(entry, reason: error.reason, at: now))
        }
        let key = LineKey(pulled.pullKey)
        let tag = textKey.tag & 0x7FFF_FFFF
        let first = firstSeen[key]
        if let first, first.textTag == tag {
            return .duplicate(ImageList.Duplicate(line: lineNumber, text: text, firstLine: Int(jobs[Int(first.id)].line)))
        }
        if let line = variants[Variant(key: key, tag: tag)] {
            return .duplicate(ImageList.Duplicate(line: lineNumber, text: text, firstLine: Int(line)))
        }
        entries += 1
        let id = jobs.count
        let job = PlannedJob(offset: line.offset, length: UInt32(line.length), line: UInt32(clamping: lineNumber))
        jobs.append(job)
        var sharing: Int?
        if let first {
            if isOpen(Int(first.id)) {
                sharing = Int(first.id)
                variants[Variant(key: key, tag: tag)] = UInt32(clamping: lineNumber)
            } else {
                variants[Variant(key: key, tag: first.textTag)] = jobs[Int(first.id)].line
            }
        }
        if sharing == nil { firstSeen[key] = FirstSeen(id: UInt32(id), tagged: tag) }
        return .job(job, sharing: sharing)
    }

    /// Whether `line`, not planned yet, could be one to verify: not blank, no comment, of this
    /// shard, with no result of an earlier run that keeps it out (`--resume`; with `retryFailed`,
    /// a good one), and a valid reference. (Whether an earlier line pulls the same image is left
    /// to ``plan(_:at:isOpen:)``.) Changes nothing.
    func mayVerify(_ line: LineReader.Line) -> Bool {
        guard let bytes = line.bytes else { return false }
        let text = ImageList.trim(bytes)
        if text.isEmpty || text.hasPrefix("#") { return false }
        if let shard, !shard.contains(text) { return false }
        if let newest = history?.peek(LineKey(text)), newest.seenOnLine != 0 || !retryFailed || newest.status == .good { return false }
        return (try? Job.pulled(text, registry: registry)) != nil
    }

    /// What stands for the text of line `line`, `length` bytes long, too long to read.
    static func standIn(line: Int, length: Int) -> String {
        "(line \(line): \(length) bytes)"
    }

    /// The record of an invalid line.
    private static func invalid(_ entry: ImageList.Entry, reason: String, at now: Date) -> ImageRecord {
        ImageRecord(reference: entry.text, line: entry.line, pulled: nil,
                    verdict: .error(.invalidReference, entry.problem(reason: reason)),
                    worker: nil, attempts: 0, startedAt: now, finishedAt: now)
    }
}
