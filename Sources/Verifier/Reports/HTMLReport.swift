import Foundation
import Mustache

/// The results as one self-contained HTML page: the verdict, the run's parameters, charts drawn
/// as inline SVG, the repositories with the most failures, and the failures, capped. Rendered
/// with a Mustache template (``HTMLTemplate``), which escapes every value it inserts.
struct HTMLReport {
    /// A name and its value, for the parameters and the repositories.
    struct Row: Sendable {
        var name: String
        var value: String
    }

    /// One row of the failures table.
    struct Failure: Sendable {
        var reference: String
        var category: String
        var message: String
        var attempts: Int
        var durationMs: Int64
        var duration: String
    }

    /// The longest message shown in a row of the failures table; the rest is in the result files.
    static let messageLimit = 300

    var verdict: String
    var allGood: Bool
    var total: String
    var good: String
    var errors: String
    var timeouts: String
    var parameters: [Row]
    var categoryChart: BarChart
    var reasonChart: BarChart
    var durationChart: ColumnChart
    var throughputChart: ColumnChart
    var throughputBin: String
    var repositories: [Row]
    var failures: [Failure]
    var hasFailures: Bool
    var failureCount: String
    var capped: Bool
    var shown: String
    var categories: [String]
    var skippedLines: String?

    /// The page's values for `data`, made with `parameters`; `skippedLines` lines of the file were no record.
    init(_ data: ReportData, parameters: RunParameters?, skippedLines: Int = 0) {
        verdict = data.verdict
        allGood = data.allGood
        total = data.total.grouped
        good = data.good.grouped
        errors = data.errors.grouped
        timeouts = data.timeouts.grouped
        var rows = [Row(name: "client", value: parameters?.client ?? "unknown (no run.json)")]
        rows.append(Row(name: "registry", value: parameters?.registry ?? "as each reference names it"))
        if let depth = parameters?.depth { rows.append(Row(name: "depth", value: depth)) }
        if let platform = parameters?.platform { rows.append(Row(name: "platform", value: platform)) }
        if let started = data.startedAt, let finished = data.finishedAt {
            rows.append(Row(name: "from", value: RFC3339.string(from: started)))
            rows.append(Row(name: "to", value: RFC3339.string(from: finished)))
        }
        rows.append(Row(name: "duration", value: Self.elapsed(data.elapsedSeconds)))
        rows.append(Row(name: "rate", value: data.rate.map { "\(SVGNumber.format($0)) images/min" } ?? "n/a"))
        self.parameters = rows
        let statusRows = [(label: "good", title: "good", count: data.good, kind: "good")]
            + data.categories.map { (label: $0.name, title: $0.name, count: $0.count, kind: $0.name == "timeout" ? "timeout" : "error") }
        categoryChart = BarChart(statusRows.filter { $0.count > 0 }, labelWidth: 150)
        reasonChart = BarChart(data.reasons.map { reason in
            let label = "\(reason.category): \(reason.message)"
            return (label: label.count > 60 ? String(label.prefix(59)) + "…" : label, title: label, count: reason.count,
                    kind: reason.category == "timeout" ? "timeout" : "error")
        }, labelWidth: 420)
        durationChart = ColumnChart.durations(data.durationBins)
        throughputChart = ColumnChart.throughput(data.imagesPerMinute, binMinutes: data.throughputBinMinutes)
        throughputBin = data.throughputBinMinutes == 1 ? "minute" : "\(data.throughputBinMinutes) minutes"
        repositories = data.repositories.map { Row(name: $0.name, value: $0.count.grouped) }
        failures = data.failures.map { record in
            let message = record.message ?? ""
            return Failure(reference: record.reference, category: record.failureCategory ?? "",
                           message: message.count > Self.messageLimit ? String(message.prefix(Self.messageLimit - 1)) + "…" : message,
                           attempts: record.attempts, durationMs: record.durationMs,
                           duration: ColumnChart.milliseconds(record.durationMs))
        }
        hasFailures = !failures.isEmpty
        failureCount = data.failureCount.grouped
        capped = data.failures.count < data.failureCount
        shown = data.failures.count.grouped
        categories = data.categories.map(\.name)
        self.skippedLines = skippedLines > 0 ? skippedLines.grouped : nil
    }

    /// The page.
    func render() -> String {
        HTMLTemplate.page.render(self, library: HTMLTemplate.partials)
    }

    /// Seconds as a person reads them: `42 s`, `12 min 5 s`, `3 h 20 min`.
    static func elapsed(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3_600 { return "\(whole / 60) min \(whole % 60) s" }
        return "\(whole / 3_600) h \(whole % 3_600 / 60) min"
    }
}
