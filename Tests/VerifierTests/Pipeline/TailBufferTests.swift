import Testing
@testable import Verifier

struct TailBufferTests {
    @Test func keepsEverythingUnderTheLimit() {
        var buffer = TailBuffer(limit: 8)
        Array("abc".utf8).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.text == "abc")
    }

    @Test func keepsOnlyTheLastBytesOfAFlood() {
        var buffer = TailBuffer(limit: 4)
        for chunk in ["0123", "45", "6789ab", "c"] {
            Array(chunk.utf8).withUnsafeBytes { buffer.append($0) }
        }
        #expect(buffer.text == "9abc")
        #expect(buffer.droppedCount == 9)
    }

    @Test func manySmallWritesStayBounded() {
        var buffer = TailBuffer(limit: 1024)
        for _ in 0..<100_000 { [UInt8(ascii: "x")].withUnsafeBytes { buffer.append($0) } }
        #expect(buffer.bytes.count == 1024)
        #expect(buffer.droppedCount == 100_000 - 1024)
    }
}
