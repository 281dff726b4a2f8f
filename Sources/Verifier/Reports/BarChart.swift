import Foundation

/// A horizontal bar chart, laid out for the HTML report's inline SVG: one row per count.
struct BarChart: Sendable {
    /// One bar, its geometry in SVG user units.
    struct Bar: Sendable {
        var label: String
        var title: String
        var count: String
        var kind: String
        var y: String
        var textY: String
        var width: String
        var countX: String
    }

    var bars: [Bar]
    var height: String
    var width: String
    var barX: String

    static let rowHeight = 26.0
    static let barLength = 320.0

    /// Bars for `rows` (label, full title, count, CSS kind), the longest `barLength` wide, after a
    /// label column of `labelWidth`.
    init(_ rows: [(label: String, title: String, count: Int, kind: String)], labelWidth: Double) {
        let largest = Double(max(1, rows.map(\.count).max() ?? 1))
        bars = rows.enumerated().map { index, row in
            let length = max(1, Double(row.count) / largest * Self.barLength)
            let top = Double(index) * Self.rowHeight
            return Bar(label: row.label, title: row.title, count: row.count.grouped, kind: row.kind,
                       y: SVGNumber.format(top + 4), textY: SVGNumber.format(top + 18),
                       width: SVGNumber.format(length), countX: SVGNumber.format(labelWidth + length + 6))
        }
        height = SVGNumber.format(Double(rows.count) * Self.rowHeight + 4)
        width = SVGNumber.format(labelWidth + Self.barLength + 70)
        barX = SVGNumber.format(labelWidth)
    }
}

/// Numbers as SVG attributes want them: at most one decimal, a point as separator.
enum SVGNumber {
    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int64(tenths / 10)) : String(tenths / 10)
    }
}
