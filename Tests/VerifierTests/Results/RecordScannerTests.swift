import Foundation
import Testing
@testable import Verifier

/// The fast reading of a record's reference and status agrees with JSONDecoder.
struct RecordScannerTests {
    static func line(_ text: String) -> ArraySlice<UInt8> { Array(text.utf8)[...] }

    @Test func readsAPlainRecord() throws {
        let record = ImageRecord(reference: "r.example.com/team/a:v1", line: 1, pulled: "r.example.com/team/a:v1",
                                 verdict: .error(.notFound, #"manifest for "reference":"x" unknown"#), worker: 1, attempts: 1,
                                 startedAt: .now, finishedAt: .now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let fields = RecordScanner.fields(of: Array(try encoder.encode(record))[...])
        #expect(fields?.reference == "r.example.com/team/a:v1")
        #expect(fields?.status == .error)
    }

    @Test func anEscapedReferenceIsLeftToJSONDecoder() {
        let fields = RecordScanner.fields(of: Self.line(#"{"reference":"Bad\tLine\u2028","status":"error"}"#))
        #expect(fields?.reference == "Bad\tLine\u{2028}")
        #expect(fields?.status == .error)
    }

    @Test(arguments: [#"{"reference":"a","status":"maybe"}"#, #"{"reference":"a"}"#, "garbage", #"{"reference":"a","status":"good""#, ""])
    func whatIsNoRecordIsRefused(_ text: String) {
        #expect(RecordScanner.fields(of: Self.line(text)) == nil)
    }

    @Test func aKeyInsideAStringIsNotTakenForTheKey() {
        let fields = RecordScanner.fields(of: Self.line(#"{"message":"\"reference\":\"fake\"","reference":"real","status":"good"}"#))
        #expect(fields?.reference == "real")
    }
}
