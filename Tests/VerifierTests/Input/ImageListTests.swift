import Testing
@testable import Verifier

/// The list's rules, as the planner applies them line by line.
struct ImageListTests {
    static func parse(_ text: String) -> PlannedList { PlannedList(text) }

    @Test func trimsWhiteSpaceCarriageReturnsAndTheByteOrderMark() {
        let list = Self.parse("\u{FEFF}  team/a:v1  \r\n\tteam/b:v2\t\r\n")
        #expect(list.jobs.map(\.text) == ["team/a:v1", "team/b:v2"])
        #expect(list.jobs.map(\.line) == [1, 2])
    }

    @Test func skipsBlankLinesAndComments() {
        let list = Self.parse("# exported 2026-11-01\n\n   \n  # indented comment\nteam/a:v1\n")
        #expect(list.jobs.map(\.text) == ["team/a:v1"])
        #expect(list.jobs[0].line == 5)
        #expect(list.planner.entries == 1)
    }

    @Test func keepsTheFirstOfADuplicateAndCountsTheRest() {
        let list = Self.parse("team/a:v1\nteam/b:v1\nteam/a:v1\n team/a:v1 \n")
        #expect(list.jobs.map(\.text) == ["team/a:v1", "team/b:v1"])
        #expect(list.duplicates == [
            ImageList.Duplicate(line: 3, text: "team/a:v1", firstLine: 1),
            ImageList.Duplicate(line: 4, text: "team/a:v1", firstLine: 1),
        ])
        #expect(list.planner.entries == 2)
    }

    @Test func aRepeatedInvalidLineIsADuplicateToo() {
        let list = Self.parse("Team/App:v1\nTeam/App:v1\n")
        #expect(list.invalid.count == 1)
        #expect(list.duplicates == [ImageList.Duplicate(line: 2, text: "Team/App:v1", firstLine: 1)])
    }

    @Test func keepsInvalidLinesWithTheirLineNumberAndReason() throws {
        let list = Self.parse("team/a:v1\n\nTeam/App:v1\n-rm\n")
        #expect(list.jobs.map(\.text) == ["team/a:v1"])
        #expect(list.invalid.map(\.line) == [3, 4], "-rm could otherwise reach docker as an option")
        #expect(list.invalid[0].verdict.category == .invalidReference)
        #expect(list.invalid[0].verdict.message == "line 3: repository name must be lowercase: \"Team/App:v1\"")
        #expect(list.invalid[0].reference == "Team/App:v1")
    }

    @Test func readsAListWithoutATrailingNewline() {
        #expect(Self.parse("a:1\nb:2").jobs.map(\.text) == ["a:1", "b:2"])
    }

    @Test func aByteOrderMarkAfterTheFirstLineIsTrimmedToo() {
        #expect(Self.parse("a:1\n\u{FEFF}b:2\n").jobs.map(\.text) == ["a:1", "b:2"])
    }

    @Test func aTabInsideALineMakesItInvalidAndIsShownEscaped() throws {
        let list = Self.parse("team/app:v1\tunauthorized\tfaked\n")
        let record = try #require(list.invalid.first)
        #expect(record.reference == "team/app:v1\tunauthorized\tfaked", "the exact text is kept for results.jsonl")
        #expect(record.verdict.message
            == "line 1: reference contains white space \"\\t\" at character 12: \"team/app:v1\\tunauthorized\\tfaked\"")
    }

    @Test(arguments: ["\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}", "\u{1b}", "\u{0}", "\u{7f}"])
    func aLineBreakOrControlCharacterInsideALineMakesItInvalid(_ character: String) throws {
        let list = Self.parse("team/app:v1\(character)other/app:v2\n")
        let record = try #require(list.invalid.first, "a line with \(character.unicodeScalars.first!.value) inside was accepted")
        #expect(!(record.verdict.message ?? "").unicodeScalars.contains { !EscapedText.isVisible($0) })
    }

    /// A 5 MB line, of a shape the parser treats in its own way.
    struct LongLine: CustomTestStringConvertible, Sendable {
        let testDescription: String
        let text: String
    }

    static let longLines = [
        LongLine(testDescription: "one path component", text: String(repeating: "a", count: 5_000_000)),
        LongLine(testDescription: "many path components", text: String(repeating: "a/", count: 2_500_000) + "a"),
        LongLine(testDescription: "a long tag", text: "a:" + String(repeating: "t", count: 5_000_000)),
        LongLine(testDescription: "a long digest", text: "a@sha256:" + String(repeating: "f", count: 5_000_000)),
        LongLine(testDescription: "uppercase", text: String(repeating: "A", count: 5_000_000)),
        LongLine(testDescription: "a long registry host", text: String(repeating: "r.", count: 2_500_000) + "com/a"),
        LongLine(testDescription: "escape sequences", text: String(repeating: "\u{1b}]0;x\u{7}", count: 1_000_000)),
    ]

    /// A 5 MB line is refused quickly (parsing one took seconds), and described in a message of a
    /// sane length.
    @Test(arguments: longLines)
    func aFiveMegabyteLineIsRefusedQuicklyWithAShortMessage(_ line: LongLine) throws {
        let elapsed = ContinuousClock().measure { _ = try? ImageReference(parsing: line.text) }
        #expect(elapsed < .seconds(1))
        let record = try #require(Self.parse(line.text + "\n").invalid.first, "a 5 MB line was accepted")
        let problem = record.verdict.message ?? ""
        #expect(problem.count < 500, "\(problem.prefix(500))")
        #expect(problem.hasSuffix("… (\(line.text.utf8.count) bytes)\""), "\(problem.prefix(500))")
    }

    /// A line longer than the list reader keeps is an invalid line under a stand-in text.
    @Test func aLineLongerThanTheReaderKeepsIsInvalid() throws {
        var planner = ListPlanner(registry: nil, history: nil, retryFailed: false)
        let line = LineReader.Line(bytes: nil, offset: 0, length: 20_000_000, terminated: true)
        guard case .invalid(let record) = planner.plan(line, isOpen: { _ in true }) else {
            Issue.record("a 20 MB line was not an invalid line")
            return
        }
        #expect(record.reference == "(line 1: 20000000 bytes)")
        #expect(record.verdict.message?.contains("longer than 16777216 bytes") == true)
    }

    /// Trimming was quadratic in the white space at the end of a line: 40,000 blanks took seconds.
    @Test func longRunsOfWhiteSpaceAroundAReferenceAreTrimmedQuickly() {
        let bytes = Array((String(repeating: " ", count: 50_000) + "team/app:v1" + String(repeating: "\t", count: 50_000) + "\r\n").utf8)
        var list: PlannedList?
        let elapsed = ContinuousClock().measure { list = PlannedList(bytes: bytes) }
        #expect(elapsed < .seconds(1))
        #expect(list?.jobs.map(\.text) == ["team/app:v1"])
    }

    @Test func invalidUTF8BecomesAnInvalidLineNotACrash() {
        let list = PlannedList(bytes: [0x61, 0xff, 0x62, 0x0a])
        #expect(list.jobs.isEmpty)
        #expect(list.invalid.count == 1)
    }
}
