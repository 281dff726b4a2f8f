import Foundation

/// The results in the Prometheus text format, for node_exporter's textfile collector.
enum PrometheusReport {
    /// The histogram's upper bounds, in seconds (`+Inf` follows).
    static let bucketsSeconds: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800]

    /// The metrics of `records` (one per reference), summarised as `data`.
    static func render(_ data: ReportData, records: [ReportRecord]) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        family("verify_images", "gauge", "Images by the status of their newest result.")
        for status in ImageStatus.allCases {
            lines.append("verify_images{status=\"\(status.rawValue)\"} \(data.statusCounts[status] ?? 0)")
        }
        family("verify_errors", "gauge", "Images that are not good, by category (timeout for a timeout).")
        for category in data.categories {
            lines.append("verify_errors{category=\"\(labelValue(category.name))\"} \(category.count)")
        }
        family("verify_duration_seconds", "histogram", "Time each image took, all steps together.")
        let durations = records.map { Double($0.durationMs) / 1000 }
        for bound in bucketsSeconds {
            lines.append("verify_duration_seconds_bucket{le=\"\(number(bound))\"} \(durations.count { $0 <= bound })")
        }
        lines.append("verify_duration_seconds_bucket{le=\"+Inf\"} \(durations.count)")
        lines.append("verify_duration_seconds_sum \(number(Double(records.reduce(0) { $0 + $1.durationMs }) / 1000))")
        lines.append("verify_duration_seconds_count \(durations.count)")
        family("verify_last_run_timestamp_seconds", "gauge", "When the last image of the results finished (Unix time).")
        lines.append("verify_last_run_timestamp_seconds \(number(data.finishedAt?.timeIntervalSince1970 ?? 0))")
        family("verify_last_run_success", "gauge", "1 when every image is good, 0 otherwise.")
        lines.append("verify_last_run_success \(data.allGood ? 1 : 0)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as a label value: backslash, double quote and line feed escaped.
    static func labelValue(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A sample value: integers without a fraction, others as Swift prints a Double.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
