import Foundation

/// Everything the reports say about a set of results, computed from the records alone: counts,
/// categories, reasons, timing, the duration histogram, the throughput over time, the
/// repositories with the most failures, and the failures themselves (capped). Pure: no clock, no
/// file.
struct ReportData: Sendable {
    /// A count with its name: a category, a repository.
    struct Count: Sendable, Equatable {
        var name: String
        var count: Int
    }

    /// A message that several failures share, with their category.
    struct Reason: Sendable, Equatable {
        var category: String
        var message: String
        var count: Int
    }

    /// Images whose duration falls in `lowerMs..<upperMs` (`upperMs` nil: no upper bound).
    struct DurationBin: Sendable, Equatable {
        var lowerMs: Int64
        var upperMs: Int64?
        var count: Int
    }

    /// The upper edges of the duration bins, in milliseconds: 1-2-5 steps, even on a log scale.
    static let durationEdgesMs: [Int64] = [10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000,
                                           100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000]
    /// At most this many points in the throughput series; a longer run gets wider bins.
    static let maximumThroughputBins = 120

    var total = 0
    var statusCounts: [ImageStatus: Int] = [:]
    /// Failures by category (`timeout` for timeouts), most first.
    var categories: [Count] = []
    /// The most frequent failure messages, most first (at most ``maximumReasons``).
    var reasons: [Reason] = []
    static let maximumReasons = 8
    /// The earliest start and the latest finish among the records.
    var startedAt: Date?
    var finishedAt: Date?
    var durationBins: [DurationBin] = []
    /// Minutes per point of ``imagesPerMinute``.
    var throughputBinMinutes = 1
    /// Images finished per minute, one value per ``throughputBinMinutes`` from ``startedAt``.
    var imagesPerMinute: [Double] = []
    /// Repositories by failures, most first (at most ``maximumRepositories``).
    var repositories: [Count] = []
    static let maximumRepositories = 10
    /// The failures shown, by category then reference: at most `failureLimit` of ``failureCount``.
    var failures: [ReportRecord] = []
    var failureCount = 0

    /// Counts `records` (one per reference), keeping at most `failureLimit` failures.
    init(records: [ReportRecord], failureLimit: Int = 2_000) {
        total = records.count
        var categoryCounts: [String: Int] = [:]
        var reasonCounts: [String: [String: Int]] = [:]
        var repositoryCounts: [String: Int] = [:]
        var durationCounts = [Int](repeating: 0, count: Self.durationEdgesMs.count + 1)
        var failed: [ReportRecord] = []
        for record in records {
            statusCounts[record.status, default: 0] += 1
            if let started = record.startedAt { startedAt = min(startedAt ?? started, started) }
            if let finished = record.finishedAt { finishedAt = max(finishedAt ?? finished, finished) }
            durationCounts[Self.durationEdgesMs.firstIndex { record.durationMs < $0 } ?? Self.durationEdgesMs.count] += 1
            guard let category = record.failureCategory else { continue }
            categoryCounts[category, default: 0] += 1
            reasonCounts[category, default: [:]][record.message ?? "(no message)", default: 0] += 1
            repositoryCounts[record.location.repository, default: 0] += 1
            failed.append(record)
        }
        categories = Self.ranked(categoryCounts)
        reasons = reasonCounts.flatMap { category, messages in
            messages.map { Reason(category: category, message: $0.key, count: $0.value) }
        }.sorted { ($1.count, $0.category, $0.message) < ($0.count, $1.category, $1.message) }
            .prefix(Self.maximumReasons).map { $0 }
        repositories = Array(Self.ranked(repositoryCounts).prefix(Self.maximumRepositories))
        failureCount = failed.count
        failures = Array(failed.sorted { ($0.failureCategory ?? "", $0.reference) < ($1.failureCategory ?? "", $1.reference) }
            .prefix(failureLimit))
        durationBins = Self.bins(durationCounts)
        throughput(records)
    }

    var good: Int { statusCounts[.good] ?? 0 }
    var errors: Int { statusCounts[.error] ?? 0 }
    var timeouts: Int { statusCounts[.timeout] ?? 0 }

    /// Every image is good (and there is at least one).
    var allGood: Bool { total > 0 && good == total }

    /// From the first start to the last finish, in seconds.
    var elapsedSeconds: Double {
        guard let startedAt, let finishedAt else { return 0 }
        return max(0, finishedAt.timeIntervalSince(startedAt))
    }

    /// Images per minute over the whole run; `nil` when it took no time.
    var rate: Double? {
        elapsedSeconds > 0 ? Double(total) / (elapsedSeconds / 60) : nil
    }

    /// The verdict, in one sentence.
    var verdict: String {
        if total == 0 { return "No image has a result yet." }
        if allGood { return "All \(total.grouped) images are good." }
        let failed = errors + timeouts
        return "\(failed.grouped) of \(total.grouped) images failed: \(errors.grouped) \(errors == 1 ? "error" : "errors") and \(timeouts.grouped) \(timeouts == 1 ? "timeout" : "timeouts")."
    }

    /// `counts` as ``Count``s, most first, then by name.
    private static func ranked(_ counts: [String: Int]) -> [Count] {
        counts.map { Count(name: $0.key, count: $0.value) }.sorted { ($1.count, $0.name) < ($0.count, $1.name) }
    }

    /// The duration bins from the first that holds an image to the last.
    private static func bins(_ counts: [Int]) -> [DurationBin] {
        guard let first = counts.firstIndex(where: { $0 > 0 }), let last = counts.lastIndex(where: { $0 > 0 }) else { return [] }
        return (first...last).map { index in
            DurationBin(lowerMs: index == 0 ? 0 : durationEdgesMs[index - 1],
                        upperMs: index < durationEdgesMs.count ? durationEdgesMs[index] : nil, count: counts[index])
        }
    }

    /// Fills ``imagesPerMinute``: finishes counted in bins of whole minutes from the first start.
    private mutating func throughput(_ records: [ReportRecord]) {
        guard let startedAt, finishedAt != nil else { return }
        let minutes = max(1, Int((elapsedSeconds / 60).rounded(.up)))
        throughputBinMinutes = max(1, (minutes + Self.maximumThroughputBins - 1) / Self.maximumThroughputBins)
        var counts = [Int](repeating: 0, count: (minutes + throughputBinMinutes - 1) / throughputBinMinutes)
        for record in records {
            guard let finished = record.finishedAt else { continue }
            let minute = Int(max(0, finished.timeIntervalSince(startedAt)) / 60)
            counts[min(counts.count - 1, minute / throughputBinMinutes)] += 1
        }
        imagesPerMinute = counts.map { Double($0) / Double(throughputBinMinutes) }
    }
}

extension Int {
    /// The number with thousands separated by commas: `100,000`.
    var grouped: String { formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))) }
}
