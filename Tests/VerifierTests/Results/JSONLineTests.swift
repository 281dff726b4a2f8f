import Foundation
import Testing
@testable import Verifier

/// A record is one line for every line reader, and still the same JSON.
struct JSONLineTests {
    @Test func unicodeLineBreaksAndDeleteAreEscapedAndTheJSONIsUnchanged() throws {
        let text = "a\u{85}b\u{2028}c\u{2029}d\u{7F}e"
        let encoded = try JSONEncoder().encode(["reference": text])
        let line = JSONLine.make(encoded)
        let string = String(decoding: line, as: UTF8.self)
        #expect(string == #"{"reference":"a\u0085b\u2028c\u2029d\u007fe"}"# + "\n")
        #expect(string.dropLast().split(whereSeparator: \.isNewline).count == 1, "one line for any reader")
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(line.dropLast()))
        #expect(decoded["reference"] == text)
    }
}
