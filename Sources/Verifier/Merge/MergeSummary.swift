/// The tally of a merge (`verify merge`), the summary printed from it, and the exit status a single
/// run of the merged list would have had.
public struct MergeSummary: Sendable {
    /// Directories merged.
    let directories: Int
    /// Records read, superseded ones included.
    var recordsRead = 0
    /// Lines of the `results.jsonl` files that are no records; left out.
    var unreadable = 0
    /// The records kept, by status and, for errors and timeouts, by category.
    private(set) var statusCounts: [ImageStatus: Int] = [:]
    private(set) var categoryCounts: [ErrorCategory: Int] = [:]

    init(directories: Int) {
        self.directories = directories
    }

    /// Records kept: one a reference.
    var kept: Int { statusCounts.values.reduce(0, +) }

    /// Counts a record kept.
    mutating func add(_ status: ImageStatus, _ category: ErrorCategory?) {
        statusCounts[status, default: 0] += 1
        if let category { categoryCounts[category, default: 0] += 1 }
    }

    /// 0 when every record kept is good, 1 when any is an error or a timeout: what one run of the
    /// whole list would have exited with.
    public var exitStatus: ExitStatus {
        kept == statusCounts[.good, default: 0] ? .allGood : .someFailed
    }

    /// The summary printed at the end of a merge.
    public func report() -> String {
        var lines = ["verify: merged \(kept) results from \(directories) director\(directories == 1 ? "y" : "ies") (\(recordsRead) records read; \(recordsRead - kept) older records of the same lines left out)"]
        for status in ImageStatus.allCases {
            let count = String(statusCounts[status, default: 0])
            lines.append("  \(status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))\(String(repeating: " ", count: max(0, 7 - count.count)))\(count)")
        }
        let categories = ErrorCategory.allCases.compactMap { category in categoryCounts[category].map { "\(category.rawValue) \($0)" } }
        if !categories.isEmpty { lines.append("  by category: " + categories.joined(separator: ", ")) }
        if unreadable > 0 { lines.append("  \(unreadable) lines of results.jsonl are no records; left out") }
        return lines.joined(separator: "\n")
    }
}
