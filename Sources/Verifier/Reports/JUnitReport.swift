import Foundation

/// The results as a JUnit XML report, as Jenkins' junit plugin (and GitLab, GitHub actions)
/// read it: one `<testcase>` per image.
enum JUnitReport {
    /// The report of `records` (one per reference), summarised as `data`, made with `parameters`.
    static func render(_ data: ReportData, records: [ReportRecord], parameters: RunParameters?) -> String {
        let failures = data.errors + data.timeouts
        let time = seconds(Int64((data.elapsedSeconds * 1000).rounded()))
        let suite = "verify" + (parameters?.registry.map { " \($0)" } ?? "")
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"verify\" tests=\"\(data.total)\" failures=\"\(failures)\" errors=\"0\" time=\"\(time)\">\n"
        xml += "  <testsuite name=\"\(XMLText.escape(suite, attribute: true))\" tests=\"\(data.total)\" failures=\"\(failures)\""
            + " errors=\"0\" skipped=\"0\" time=\"\(time)\""
        if let startedAt = data.startedAt {
            xml += " timestamp=\"\(startedAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt)).dropLast())\""
        }
        xml += ">\n"
        for record in records { xml += testCase(record) }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// One image's `<testcase>`.
    static func testCase(_ record: ReportRecord) -> String {
        let location = record.location
        var xml = "    <testcase classname=\"\(XMLText.escape(location.repository, attribute: true))\""
            + " name=\"\(XMLText.escape(location.version, attribute: true))\" time=\"\(seconds(record.durationMs))\""
        guard record.failureCategory != nil || record.digest != nil else { return xml + "/>\n" }
        xml += ">\n"
        if let category = record.failureCategory {
            let message = record.message ?? record.status.rawValue
            var body = message
            if let tail = record.stderrTail, !tail.isEmpty { body += "\n\nstderr (the end):\n" + tail }
            xml += "      <failure type=\"\(XMLText.escape(category, attribute: true))\" message=\"\(XMLText.escape(message, attribute: true))\">"
                + XMLText.escape(body) + "</failure>\n"
        }
        if let digest = record.digest { xml += "      <system-out>\(XMLText.escape(digest))</system-out>\n" }
        return xml + "    </testcase>\n"
    }

    /// Milliseconds as seconds with three decimals: `1.234`.
    private static func seconds(_ milliseconds: Int64) -> String {
        "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - String(milliseconds % 1000).count))\(milliseconds % 1000)"
    }
}
