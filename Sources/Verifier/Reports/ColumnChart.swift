import Foundation

/// A vertical column chart with labelled ticks under it, laid out for the HTML report's inline
/// SVG: the duration histogram (on a log scale) and the images finished per minute.
struct ColumnChart: Sendable {
    /// One column, its geometry in SVG user units.
    struct Column: Sendable {
        var x: String
        var y: String
        var width: String
        var height: String
        var title: String
    }

    /// A label under the axis.
    struct Tick: Sendable {
        var x: String
        var label: String
    }

    /// The `<svg>` element's id, and what it shows in words (its `aria-label`).
    var svgID: String
    var summary: String
    var columns: [Column]
    var ticks: [Tick]
    /// The largest value, written at the top of the axis.
    var peak: String
    var isEmpty: Bool

    static let left = 40.0
    static let plotWidth = 680.0
    static let plotHeight = 160.0
    /// The plot's top edge; the axis is at `top + plotHeight` (the template draws it at 176).
    static let top = 16.0

    /// The chart `svgID`, showing `summary`: columns spanning `from`...`to` (fractions of the
    /// plot's width) with heights `value`.
    init(svgID: String, summary: String, _ spans: [(from: Double, to: Double, value: Double, title: String)],
         ticks: [(at: Double, label: String)], peakLabel: String) {
        self.svgID = svgID
        self.summary = summary
        let largest = max(spans.map(\.value).max() ?? 0, Double.leastNonzeroMagnitude)
        columns = spans.map { span in
            let height = span.value / largest * Self.plotHeight
            return Column(x: SVGNumber.format(Self.left + span.from * Self.plotWidth + 1),
                          y: SVGNumber.format(Self.top + Self.plotHeight - height),
                          width: SVGNumber.format(max(1, (span.to - span.from) * Self.plotWidth - 2)),
                          height: SVGNumber.format(height), title: span.title)
        }
        self.ticks = ticks.map { Tick(x: SVGNumber.format(Self.left + $0.at * Self.plotWidth), label: $0.label) }
        peak = peakLabel
        isEmpty = spans.isEmpty
    }

    /// The duration histogram of `bins`, on a log scale of time, ticks at each power of ten.
    static func durations(_ bins: [ReportData.DurationBin]) -> ColumnChart {
        let chart = (svgID: "duration-chart", summary: "Histogram of durations, log scale")
        guard let first = bins.first, let last = bins.last else {
            return ColumnChart(svgID: chart.svgID, summary: chart.summary, [], ticks: [], peakLabel: "")
        }
        let low = log10(Double(max(1, first.lowerMs)))
        let high = log10(Double(last.upperMs ?? last.lowerMs * 5 / 2))
        func at(_ milliseconds: Int64) -> Double { (log10(Double(max(1, milliseconds))) - low) / (high - low) }
        let spans = bins.map { bin in
            (from: at(bin.lowerMs), to: at(bin.upperMs ?? bin.lowerMs * 5 / 2), value: Double(bin.count),
             title: "\(bin.count.grouped) images took \(milliseconds(bin.lowerMs))" + (bin.upperMs.map { " to \(milliseconds($0))" } ?? " or more"))
        }
        var ticks: [(at: Double, label: String)] = []
        var decade: Int64 = 1
        while decade <= Int64(pow(10, high)) {
            if Double(decade) >= pow(10, low) { ticks.append((at(decade), milliseconds(decade))) }
            decade *= 10
        }
        return ColumnChart(svgID: chart.svgID, summary: chart.summary, spans, ticks: ticks, peakLabel: (bins.map(\.count).max() ?? 0).grouped)
    }

    /// Images finished per minute, one column per point of `perMinute` (`binMinutes` each).
    static func throughput(_ perMinute: [Double], binMinutes: Int) -> ColumnChart {
        let count = Double(perMinute.count)
        let spans = perMinute.enumerated().map { index, value in
            (from: Double(index) / count, to: Double(index + 1) / count, value: value,
             title: "minute \(index * binMinutes) to \((index + 1) * binMinutes): \(SVGNumber.format(value)) images a minute")
        }
        let step = max(1, perMinute.count / 6)
        let ticks = stride(from: 0, through: perMinute.count, by: step).map { index in
            (at: Double(index) / max(1, count), label: "\(index * binMinutes) min")
        }
        return ColumnChart(svgID: "throughput-chart", summary: "Images finished per minute over the run", spans, ticks: ticks,
                           peakLabel: SVGNumber.format(perMinute.max() ?? 0) + "/min")
    }

    /// A duration for a label: `10 ms`, `1 s`, `100 s`, `1.7 h`.
    static func milliseconds(_ value: Int64) -> String {
        if value < 1_000 { return "\(value) ms" }
        if value < 1_000_000 { return "\(SVGNumber.format(Double(value) / 1_000)) s" }
        return "\(SVGNumber.format(Double(value) / 3_600_000)) h"
    }
}
