import Testing
@testable import Verifier

struct EscapedTextTests {
    @Test(arguments: [
        ("team/app:v1", "team/app:v1"),
        ("café 🚀 a b", "café 🚀 a b"),
        ("C:\\path", "C:\\path"),
        ("a\tb\nc\rd", "a\\tb\\nc\\rd"),
        ("\u{0}\u{7}\u{b}\u{c}\u{1b}\u{7f}", "\\x00\\x07\\x0b\\x0c\\x1b\\x7f"),
        ("\u{1b}]0;title\u{7}\u{1b}[31mred", "\\x1b]0;title\\x07\\x1b[31mred"),
        ("\u{85}\u{9b}", "\\u{85}\\u{9b}"),
        ("a\u{2028}b\u{2029}c", "a\\u{2028}b\\u{2029}c"),
        ("\u{a0}\u{3000}\u{200b}\u{202e}\u{feff}", "\\u{a0}\\u{3000}\\u{200b}\\u{202e}\\u{feff}"),
    ])
    func writesEveryInvisibleCharacterAsAVisibleEscape(_ text: String, _ expected: String) {
        #expect(EscapedText.make(text) == expected)
    }

    @Test func cutsLongTextAndNotesItsFullLength() {
        let shown = EscapedText.make(String(repeating: "a", count: 5_000_000), limit: 200)
        #expect(shown.hasSuffix("… (5000000 bytes)"))
        #expect(shown.count == 200)
        #expect(shown.dropLast("… (5000000 bytes)".count).allSatisfy { $0 == "a" })
    }

    @Test func countsEscapesTowardsTheLimitAndNeverCutsOneInHalf() {
        let shown = EscapedText.make(String(repeating: "\u{1b}", count: 1000), limit: 100)
        #expect(shown.count <= 100)
        let escapes = shown.dropLast("… (1000 bytes)".count)
        #expect(escapes.count % 4 == 0)
        #expect(escapes == String(repeating: "\\x1b", count: escapes.count / 4))
    }

    @Test(arguments: ["a\u{1b}b", String(repeating: "\u{2028}x", count: 400), String(repeating: "z", count: 600)])
    func escapingTwiceChangesNothing(_ text: String) {
        let once = EscapedText.make(text)
        #expect(EscapedText.make(once) == once)
    }
}
