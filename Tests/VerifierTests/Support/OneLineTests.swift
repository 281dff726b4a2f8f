import Testing
@testable import Verifier

struct OneLineTests {
    @Test func clientOutputKeepsNoControlCharacters() {
        let stderr = "Error response from daemon:\u{0} \u{1b}]0;pwned\u{7}\u{1b}[31mred\u{1b}[0m\tdone\r\n"
        #expect(OneLine.make(stderr) == "Error response from daemon:\\x00 \\x1b]0;pwned\\x07\\x1b[31mred\\x1b[0m done")
    }

    @Test func runsOfWhiteSpaceBecomeOneSpace() {
        #expect(OneLine.make("  manifest unknown\n\tsecond  line \r\n") == "manifest unknown second line")
    }
}
