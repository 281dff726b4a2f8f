import Testing
@testable import Verifier

struct ImageListTests {
    static func parse(_ text: String) -> ImageList {
        ImageList(bytes: Array(text.utf8))
    }

    @Test func trimsWhiteSpaceCarriageReturnsAndTheByteOrderMark() {
        let list = Self.parse("\u{FEFF}  team/a:v1  \r\n\tteam/b:v2\t\r\n")
        #expect(list.entries.map(\.text) == ["team/a:v1", "team/b:v2"])
        #expect(list.entries.map(\.line) == [1, 2])
    }

    @Test func skipsBlankLinesAndComments() {
        let list = Self.parse("# exported 2026-11-01\n\n   \n  # indented comment\nteam/a:v1\n")
        #expect(list.entries.map(\.text) == ["team/a:v1"])
        #expect(list.entries[0].line == 5)
    }

    @Test func keepsTheFirstOfADuplicateAndCountsTheRest() {
        let list = Self.parse("team/a:v1\nteam/b:v1\nteam/a:v1\n team/a:v1 \n")
        #expect(list.entries.map(\.text) == ["team/a:v1", "team/b:v1"])
        #expect(list.duplicates == [
            ImageList.Duplicate(line: 3, text: "team/a:v1", firstLine: 1),
            ImageList.Duplicate(line: 4, text: "team/a:v1", firstLine: 1),
        ])
    }

    @Test func keepsInvalidLinesWithTheirLineNumberAndReason() throws {
        let list = Self.parse("team/a:v1\n\nTeam/App:v1\n-rm\n")
        #expect(list.entries.count == 3)
        let invalid = list.entries[1]
        #expect(invalid.line == 3)
        guard case .failure(let error) = invalid.reference else {
            Issue.record("Team/App:v1 was accepted")
            return
        }
        #expect(invalid.problem(error) == "line 3: repository name must be lowercase: \"Team/App:v1\"")
        guard case .failure = list.entries[2].reference else {
            Issue.record("-rm was accepted, and could reach docker as an option")
            return
        }
    }

    @Test func readsAListWithoutATrailingNewline() {
        #expect(Self.parse("a:1\nb:2").entries.map(\.text) == ["a:1", "b:2"])
    }

    @Test func aByteOrderMarkAfterTheFirstLineIsTrimmedToo() {
        #expect(Self.parse("a:1\n\u{FEFF}b:2\n").entries.map(\.text) == ["a:1", "b:2"])
    }

    @Test func invalidUTF8BecomesAnInvalidLineNotACrash() {
        let list = ImageList(bytes: [0x61, 0xff, 0x62, 0x0a])
        #expect(list.entries.count == 1)
        guard case .failure = list.entries[0].reference else {
            Issue.record("invalid UTF-8 accepted")
            return
        }
    }
}
