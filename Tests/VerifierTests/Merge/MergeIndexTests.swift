import Testing
@testable import Verifier

/// `verify merge`'s choice of the record to keep for each reference.
struct MergeIndexTests {
    private func place(_ directory: UInt32, _ line: UInt32) -> MergeIndex.Place {
        MergeIndex.Place(directory: directory, line: line)
    }

    @Test func theNewestRecordWinsWhereverItIs() {
        var index = MergeIndex()
        index.offer("a:1", finishedAt: 20260101000000500, at: place(0, 0))
        index.offer("b:1", finishedAt: 20260101000000100, at: place(0, 1))
        index.offer("a:1", finishedAt: 20250101000000000, at: place(1, 0))
        index.offer("b:1", finishedAt: 20260101000000200, at: place(1, 1))
        #expect(index.wins("a:1", at: place(0, 0)))
        #expect(!index.wins("a:1", at: place(1, 0)))
        #expect(index.wins("b:1", at: place(1, 1)))
        #expect(!index.wins("b:1", at: place(0, 1)))
        #expect((index.offered, index.references) == (4, 2))
    }

    @Test func ofRecordsFinishedAtOnceTheLastOfferedWins() {
        var index = MergeIndex()
        index.offer("a:1", finishedAt: 7, at: place(0, 0))
        index.offer("a:1", finishedAt: 7, at: place(0, 3))
        #expect(index.wins("a:1", at: place(0, 3)))
        // A record without a time in verify's form counts as the oldest.
        index.offer("a:1", finishedAt: 0, at: place(1, 0))
        #expect(index.wins("a:1", at: place(0, 3)))
    }

    @Test func finishedAtOrdersAsTimeDoes() {
        let record = { (time: String) in Array(#"{"finished_at":"\#(time)","reference":"a:1","status":"good"}"#.utf8)[...] }
        #expect(RecordScanner.finishedAt(of: record("2026-11-28T03:54:21.123Z")) == 20261128035421123)
        #expect(RecordScanner.finishedAt(of: record("2026-11-28T03:54:21.123Z")) < RecordScanner.finishedAt(of: record("2026-11-28T03:54:21.124Z")))
        #expect(RecordScanner.finishedAt(of: record("2026-11-28 03:54:21")) == 0)
        #expect(RecordScanner.finishedAt(of: record("2026-11-28T03:54:21.12xZ")) == 0)
        #expect(RecordScanner.finishedAt(of: Array(#"{"reference":"a:1","status":"good"}"#.utf8)[...]) == 0)
    }
}
