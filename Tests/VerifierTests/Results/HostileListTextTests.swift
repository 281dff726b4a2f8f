import Foundation
import Testing
@testable import Verifier

/// List lines written to fake a column, break lines or drive the terminal, as the summary and
/// `error_image.txt` echo them: escaped and cut short; `results.jsonl` keeps them exact.
struct HostileListTextTests {
    static let osc = "team/\u{1b}]0;pwned\u{7}\u{1b}[2Japp:v1"
    static let fakeColumns = "team/app:v1\tunauthorized\tfaked"
    static let huge = String(repeating: "a", count: 5_000_000)

    /// The list `lines`, each written twice, and the invalid-line records verify makes of it.
    static func read(_ lines: [String]) -> (list: PlannedList, records: [ImageRecord]) {
        let list = PlannedList((lines + lines).map { $0 + "\n" }.joined())
        precondition(list.jobs.isEmpty, "every line is invalid")
        return (list, list.invalid)
    }

    static func invisible(in text: String, allowing allowed: Set<Unicode.Scalar>) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { !EscapedText.isVisible($0) && !allowed.contains($0) }
    }

    @Test func theSummaryEchoesNoControlCharactersAndNoHugeLine() {
        let (list, records) = Self.read([Self.osc, Self.fakeColumns, "a\u{2028}b", Self.huge])
        var summary = RunSummary(total: list.planner.entries)
        summary.duplicates = Sample(list.duplicates)
        for record in records { summary.add(record) }
        let report = summary.report()
        #expect(Self.invisible(in: report, allowing: ["\n"]).isEmpty)
        #expect(report.contains("line 5 repeats line 1: team/\\x1b]0;pwned\\x07\\x1b[2Japp:v1"))
        #expect(report.contains("reference contains white space \"\\t\" at character 12: \"team/app:v1\\tunauthorized\\tfaked\""))
        #expect(report.contains("… (5000000 bytes)"))
        #expect(report.utf8.count < 5000)
    }

    @Test func errorImageHasThreeColumnsOfVisibleTextAndResultsKeepTheExactLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("verify-hostile-\(UUID().uuidString)").path
        let writer = try ResultWriter(directory: directory, mode: .fresh, parameters: .example)
        let (_, records) = Self.read([Self.osc, Self.fakeColumns, "a\u{b}b\u{c}c\u{85}d\u{2029}e", Self.huge])
        for record in records { try writer.write(record) }
        try writer.write(ImageRecord(reference: "r.example.com/team/app:v1", line: 9, pulled: "r.example.com/team/app:v1",
                                     verdict: .error(.other, "Error:\u{0} \u{1b}[31mred\u{1b}[0m"), worker: 1, attempts: 1,
                                     startedAt: Date(), finishedAt: Date()))
        writer.close()
        let errors = try String(contentsOfFile: directory + "/error_image.txt", encoding: .utf8)
        #expect(Self.invisible(in: errors, allowing: ["\n", "\t"]).isEmpty)
        let lines = errors.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.count == 3 })
        #expect(lines.map { String($0[1]) } == ["invalid-reference", "invalid-reference", "invalid-reference", "invalid-reference", "other"])
        #expect(lines[1][0] == "team/app:v1\\tunauthorized\\tfaked")
        #expect(lines[2][0] == "a\\x0bb\\x0cc\\u{85}d\\u{2029}e")
        #expect(lines[3][0].hasSuffix("… (5000000 bytes)") && lines[3][0].count <= 500)
        #expect(lines[4][2] == "Error:\\x00 \\x1b[31mred\\x1b[0m")
        #expect(errors.utf8.count < 5000)

        let jsonLines = try String(contentsOfFile: directory + "/results.jsonl", encoding: .utf8).split(separator: "\n")
        let references = try jsonLines.map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["reference"] as? String
        }
        #expect(references == [Self.osc, Self.fakeColumns, "a\u{b}b\u{c}c\u{85}d\u{2029}e", Self.huge, "r.example.com/team/app:v1"])
    }
}
