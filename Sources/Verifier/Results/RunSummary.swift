import Foundation

/// The running tally of a verification, and the summary made from it at the end (progress is
/// shown from it by ``ProgressDisplay``).
public struct RunSummary: Sendable {
    /// Images to verify: list lines that are not blank, comments or duplicates.
    public let total: Int
    /// The list's repeated lines.
    public let duplicates: [ImageList.Duplicate]
    /// Lines that pull the same image as an earlier line: verified once, recorded for each.
    public let sharedPulls: [SharedPull]
    /// The messages of the invalid lines.
    public private(set) var invalidLines: [String] = []
    /// Records written so far, by status.
    public private(set) var statusCounts: [ImageStatus: Int] = [:]
    /// Records written so far that are not good, by category.
    public private(set) var categoryCounts: [ErrorCategory: Int] = [:]
    /// Good images whose `docker rmi` failed.
    public private(set) var cleanupWarnings = 0
    /// The slowest images so far, slowest first.
    public private(set) var slowest: [(reference: String, durationMs: Int64)] = []
    /// Images started but not recorded when the run stopped: in flight, or finished when the disk
    /// was full.
    public var interrupted = 0
    /// Images never started because the run was interrupted.
    public var notStarted = 0

    /// When the run started.
    public let startedAt = Date()

    /// A line that pulls the same image as an earlier line.
    public struct SharedPull: Sendable, Equatable {
        /// Its line number and text.
        public let line: Int
        public let text: String
        /// The earlier line, whose verification it shares.
        public let firstLine: Int
        public let firstText: String
    }

    /// A tally of `total` images to verify, with the list's `duplicates` and `sharedPulls`; the
    /// clock starts now.
    public init(total: Int, duplicates: [ImageList.Duplicate], sharedPulls: [SharedPull] = []) {
        self.total = total
        self.duplicates = duplicates
        self.sharedPulls = sharedPulls
    }

    /// Seconds since the run started.
    public var elapsedSeconds: Double { Date().timeIntervalSince(startedAt) }

    /// Records written so far.
    public var recorded: Int { statusCounts.values.reduce(0, +) }

    /// Counts `record`.
    public mutating func add(_ record: ImageRecord) {
        statusCounts[record.verdict.status, default: 0] += 1
        if let category = record.verdict.category { categoryCounts[category, default: 0] += 1 }
        if record.verdict.cleanupWarning != nil { cleanupWarnings += 1 }
        if record.verdict.category == .invalidReference, let message = record.verdict.message { invalidLines.append(message) }
        if record.worker != nil {
            slowest.append((record.reference, record.durationMs))
            slowest.sort { $0.durationMs > $1.durationMs }
            if slowest.count > 5 { slowest.removeLast() }
        }
    }

    /// The summary printed at the end of a run.
    public func report() -> String {
        var lines = ["verify: \(recorded) of \(total) images verified in \(Self.duration(elapsedSeconds)), \(rate)"]
        for status in ImageStatus.allCases {
            lines.append("  \(status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))\(String(count(status)).leftPadded(7))")
        }
        let categories = ErrorCategory.allCases.compactMap { category in
            categoryCounts[category].map { "\(category.rawValue) \($0)" }
        }
        if !categories.isEmpty { lines.append("  by category: " + categories.joined(separator: ", ")) }
        if cleanupWarnings > 0 {
            lines.append("  cleanup warnings: \(cleanupWarnings) good images could not be removed (cleanup_warning in results.jsonl)")
        }
        if interrupted > 0 || notStarted > 0 {
            lines.append("  interrupted: \(interrupted) in flight (not recorded), \(notStarted) never started")
        }
        if !duplicates.isEmpty {
            lines.append("  duplicates: \(duplicates.count) lines skipped")
            lines += duplicates.prefix(10).map { "    line \($0.line) repeats line \($0.firstLine): \($0.text)" }
            if duplicates.count > 10 { lines.append("    … and \(duplicates.count - 10) more") }
        }
        if !sharedPulls.isEmpty {
            lines.append("  same image: \(sharedPulls.count) lines pull the same image as an earlier line; each was verified once, for both (same_as in results.jsonl)")
            lines += sharedPulls.prefix(10).map { "    line \($0.line) \($0.text) = line \($0.firstLine) \($0.firstText)" }
            if sharedPulls.count > 10 { lines.append("    … and \(sharedPulls.count - 10) more") }
        }
        if !invalidLines.isEmpty {
            lines.append("  invalid lines: \(invalidLines.count)")
            lines += invalidLines.prefix(10).map { "    " + $0 }
            if invalidLines.count > 10 { lines.append("    … and \(invalidLines.count - 10) more (error_image.txt)") }
        }
        if !slowest.isEmpty {
            lines.append("  slowest:")
            lines += slowest.map { "    \(String(format: "%8.1f s", Double($0.durationMs) / 1000))  \($0.reference)" }
        }
        return lines.joined(separator: "\n")
    }

    private func count(_ status: ImageStatus) -> Int { statusCounts[status, default: 0] }

    private var rate: String {
        let perMinute = elapsedSeconds > 0 ? Double(recorded) / elapsedSeconds * 60 : 0
        return String(format: "%.1f images/min", perMinute)
    }

    private static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return String(format: "%.1f s", seconds) }
        return String(format: "%dm%02ds", whole / 60, whole % 60)
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
