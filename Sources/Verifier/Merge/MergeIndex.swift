/// Which record of each reference wins a merge (`verify merge`): the newest by `finished_at`, and
/// of records finished at the same moment the last one offered (the later directory on the command
/// line, the later line of its `results.jsonl`), as in one append-only history.
///
/// Memory: a ``LineKey`` and 16 bytes a reference, whatever its records hold; a million
/// references cost about 40 MB. The records themselves are read again to be copied.
struct MergeIndex {
    /// Where a record is: its directory's place on the command line, and its line in that
    /// directory's `results.jsonl` (0 for the first).
    struct Place: Equatable {
        let directory: UInt32
        let line: UInt32
    }

    private struct Winner {
        let finishedAt: Int64
        let place: Place
    }

    private var winners: [LineKey: Winner] = [:]
    /// Records offered, superseded ones included.
    private(set) var offered = 0

    /// An index with room for `expected` references.
    init(expected: Int = 0) {
        winners.reserveCapacity(expected)
    }

    /// References with a record.
    var references: Int { winners.count }

    /// Offers the record of `reference` finished at `finishedAt` (``RecordScanner/finishedAt(of:)``)
    /// at `place`. Places must be offered in order, directory by directory, line by line.
    mutating func offer(_ reference: String, finishedAt: Int64, at place: Place) {
        offered += 1
        let key = LineKey(reference)
        if let current = winners[key], current.finishedAt > finishedAt { return }
        winners[key] = Winner(finishedAt: finishedAt, place: place)
    }

    /// Whether the record of `reference` at `place` is the one the merge keeps.
    func wins(_ reference: String, at place: Place) -> Bool {
        winners[LineKey(reference)]?.place == place
    }
}
