import Foundation

/// The running tally of a verification, and the summary made from it at the end (progress is
/// shown from it by ``ProgressDisplay``).
public struct RunSummary: Sendable {
    /// Images to verify: list lines that are not blank, comments or duplicates. While the list is
    /// still being planned, the lines that are not blank or comments, less the duplicates found.
    var total: Int
    /// The list's repeated lines.
    var duplicates = Sample<ImageList.Duplicate>()
    /// Lines that pull the same image as an earlier line: verified once, recorded for each.
    var sharedPulls = Sample<SharedPull>()
    /// Lines whose result comes from an earlier run into the same directory (`--resume`).
    private(set) var earlier = 0
    /// Records in the directory for lines that are no longer in the list; kept, not counted.
    var recordsForOtherLines = 0
    /// The shard of the list this run verified (`--shard`), and the lines it left to other shards.
    var shard: Shard?
    var otherShardLines = 0
    /// The messages of the invalid lines.
    private(set) var invalidLines = Sample<String>()
    /// Records written so far, by status.
    private(set) var statusCounts: [ImageStatus: Int] = [:]
    /// Records written so far that are not good, by category.
    private(set) var categoryCounts: [ErrorCategory: Int] = [:]
    /// Good images whose `docker rmi` failed.
    private(set) var cleanupWarnings = 0
    /// The registry client's HTTP requests, those answered over HTTP/2, the connections opened
    /// for them, and the body bytes they fetched, over every attempt (``addAttempt(_:)``).
    private(set) var registryRequests = 0
    private(set) var registryRequestsOverHTTP2 = 0
    private(set) var registryConnections = 0
    private(set) var bytesFetched: Int64 = 0
    /// The registry's pull quota, as the newest attempt that met it said (``addAttempt(_:)``).
    private(set) var quota: RateLimit?
    /// The slowest images so far, slowest first.
    private(set) var slowest: [(reference: String, durationMs: Int64)] = []
    /// Images started but not recorded when the run stopped: in flight, or finished when the disk
    /// was full.
    var interrupted = 0
    /// Images never started because the run was interrupted.
    var notStarted = 0

    /// When the run started.
    let startedAt = Date()

    /// A line that pulls the same image as an earlier line.
    struct SharedPull: Sendable, Equatable {
        /// Its line number and text.
        let line: Int
        let text: String
        /// The earlier line, whose verification it shares.
        let firstLine: Int
        let firstText: String
    }

    /// A tally of `total` images to verify; the clock starts now.
    init(total: Int) {
        self.total = total
    }

    /// Images that met a transient failure and were tried again (ids).
    var retried: Set<Int> = []
    /// Of those, the ones that ended good.
    var goodAfterRetry = 0
    /// Whether starts are paused for want of disk space (`--min-free`).
    var pausedForDisk = false
    /// Why the circuit breaker stopped the run, when it did.
    var tripReason: String?
    /// The start rate now, when starts are limited (`--rate`, or after a `rate-limited` answer).
    var startRate: Double?
    /// Each cut of the start rate, in starts per second.
    var rateCuts: [Double] = []
    /// Whether starts are paced to the registry's pull quota now (``StartRateLimiter/quotaPace``).
    var quotaPaced = false { didSet { everQuotaPaced = everQuotaPaced || quotaPaced } }
    /// Whether they ever were, in this run.
    private(set) var everQuotaPaced = false

    /// Counts the registry work of one finished attempt (`--client registry`): its requests,
    /// connections and bytes, and the quota it met. Every attempt counts, a retried one too (its
    /// requests were made; the connection it opened serves the next), and each once: the lines
    /// that share an image's verdict (`same_as`) made none. The limiter paces to the quota at
    /// once, so what is said of the pace (and the progress's quota) must not wait for a record.
    mutating func addAttempt(_ registry: RegistryDetails) {
        registryRequests += registry.requests
        registryRequestsOverHTTP2 += registry.requestsOverHTTP2
        registryConnections += registry.connections
        bytesFetched += registry.bytesFetched
        if let quota = registry.quota { self.quota = quota }
    }

    /// Counts a line whose result an earlier run recorded.
    mutating func addEarlier(_ status: ImageStatus) {
        statusCounts[status, default: 0] += 1
        earlier += 1
    }

    /// Seconds since the run started.
    var elapsedSeconds: Double { Date().timeIntervalSince(startedAt) }

    /// Records written so far.
    var recorded: Int { statusCounts.values.reduce(0, +) }

    /// Counts `record`.
    mutating func add(_ record: ImageRecord) {
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
        if registryRequests > 0 { lines.append("  registry: " + registryLine) }
        if cleanupWarnings > 0 {
            lines.append("  cleanup warnings: \(cleanupWarnings) good images could not be removed (cleanup_warning in results.jsonl)")
        }
        if interrupted > 0 || notStarted > 0 {
            lines.append("  interrupted: \(interrupted) in flight (not recorded), \(notStarted) never started")
        }
        lines += Self.listed(duplicates, heading: "duplicates: \(duplicates.count) lines skipped") {
            "line \($0.line) repeats line \($0.firstLine): \(ImageList.shown($0.text))"
        }
        if let tripReason {
            lines.append("  stopped by --max-failures: \(tripReason)")
        }
        if !retried.isEmpty {
            lines.append("  retried: \(retried.count) images met a transient failure and were tried again; \(goodAfterRetry) of them are good only after a retry")
        }
        if !rateCuts.isEmpty {
            let shown = rateCuts.prefix(10).map { String(format: "%.2f/s", $0) }.joined(separator: ", ")
            lines.append("  start rate: cut \(rateCuts.count) times after rate-limited answers: \(shown)\(rateCuts.count > 10 ? ", …" : "")")
        }
        if everQuotaPaced, let quota {
            lines.append("  start rate: paced to the registry's pull quota (\(quota.limit) pulls per \(quota.windowSeconds.map { "\($0) s" } ?? "window"); \(quota.remaining.map(String.init) ?? "?") left at the end)")
        }
        if let shard {
            lines.append("  shard \(shard): \(otherShardLines) lines of the list belong to the other \(shard.count - 1) shards (verify merge joins their results)")
        }
        if earlier > 0 || recordsForOtherLines > 0 {
            lines.append("  resumed: \(earlier) results from earlier runs counted above; \(recordsForOtherLines) records kept for lines no longer in the list")
        }
        lines += Self.listed(sharedPulls, heading: "same image: \(sharedPulls.count) lines pull the same image as an earlier line; each was verified once, for both (same_as in results.jsonl)") {
            "line \($0.line) \($0.text) = line \($0.firstLine) \($0.firstText)"
        }
        lines += Self.listed(invalidLines, heading: "invalid lines: \(invalidLines.count) (error_image.txt)") { OneLine.make($0) }
        if !slowest.isEmpty {
            lines.append("  slowest:")
            lines += slowest.map { "    \(String(format: "%8.1f s", Double($0.durationMs) / 1000))  \($0.reference)" }
        }
        return lines.joined(separator: "\n")
    }

    /// `heading` and the items kept of `items`, one a line, indented; nothing when there are none.
    private static func listed<Item>(_ items: Sample<Item>, heading: String, _ line: (Item) -> String) -> [String] {
        guard !items.isEmpty else { return [] }
        var lines = ["  " + heading] + items.first.map { "    " + line($0) }
        if items.count > items.first.count { lines.append("    … and \(items.count - items.first.count) more") }
        return lines
    }

    /// `312 requests (310 over HTTP/2) on 3 connections, 1.2 MB fetched`.
    private var registryLine: String {
        let http2 = registryRequestsOverHTTP2 > 0 ? " (\(registryRequestsOverHTTP2) over HTTP/2)" : ""
        let connections = "\(registryConnections) connection\(registryConnections == 1 ? "" : "s")"
        return "\(registryRequests) request\(registryRequests == 1 ? "" : "s")\(http2) on \(connections), \(ByteSize(bytes: UInt64(max(0, bytesFetched)))) fetched"
    }

    private func count(_ status: ImageStatus) -> Int { statusCounts[status, default: 0] }

    private var rate: String {
        let perMinute = elapsedSeconds > 0 ? Double(recorded - earlier) / elapsedSeconds * 60 : 0
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
