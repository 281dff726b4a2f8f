import Foundation
import Testing
@testable import Verifier

/// Planning the list line by line: the same image shared while it is open, resumed lines skipped.
struct ListPlannerTests {
    @Test func aLineThatPullsTheSameImageAsAnOpenJobSharesIt() {
        let list = PlannedList("alpine:3\nb.example/y:1\nlibrary/alpine:3\ndocker.io/library/alpine:3\n")
        #expect(list.jobs.map(\.sharing) == [nil, nil, 0, 0])
    }

    @Test func onceTheFirstIsRecordedALaterLineIsVerifiedOnItsOwn() {
        // Job 0 is recorded by the time line 2 is planned: its pull is over, so line 2 pulls again.
        let list = PlannedList("alpine:3\nlibrary/alpine:3\ndocker.io/library/alpine:3\n", isOpen: { $0 != 0 })
        #expect(list.jobs.map(\.sharing) == [nil, nil, 1], "line 3 shares line 2's verification, now the open one")
    }

    @Test func aRepeatOfAnotherSpellingIsStillADuplicate() {
        let open = PlannedList("alpine:3\nlibrary/alpine:3\nlibrary/alpine:3\n")
        #expect(open.duplicates == [ImageList.Duplicate(line: 3, text: "library/alpine:3", firstLine: 2)])
        let closed = PlannedList("alpine:3\nlibrary/alpine:3\nalpine:3\n", isOpen: { _ in false })
        #expect(closed.duplicates == [ImageList.Duplicate(line: 3, text: "alpine:3", firstLine: 1)],
                "the first spelling, no longer the key's first job, is still known")
        #expect(closed.jobs.count == 2)
    }

    @Test func theRegistryOptionDecidesWhatIsTheSameImage() throws {
        let registry = try RegistryHost(parsing: "mirror.example:5000")
        let list = PlannedList("a.example/team/app:1\nb.example/team/app:1\n", registry: registry)
        #expect(list.jobs.map(\.sharing) == [nil, 0], "both pull mirror.example:5000/team/app:1")
    }

    static func history(_ records: [(String, ImageStatus)]) -> ResultHistory {
        let history = ResultHistory()
        for (text, status) in records { history.note(text, status) }
        return history
    }

    @Test func aResumedRunSkipsLinesWithARecordAndCountsThemOnce() {
        let history = Self.history([("a.example/x:1", .good), ("a.example/x:2", .error), ("gone.example/z:1", .good)])
        let list = PlannedList("a.example/x:1\na.example/x:2\na.example/x:3\na.example/x:1\n", history: history)
        #expect(list.earlier == [.good, .error])
        #expect(list.jobs.map(\.text) == ["a.example/x:3"])
        #expect(list.duplicates == [ImageList.Duplicate(line: 4, text: "a.example/x:1", firstLine: 1)])
        #expect(list.planner.unmatchedRecords == 1, "gone.example/z:1 is no longer in the list")
        #expect(list.planner.entries == 3)
    }

    @Test func retryFailedRunsTheFailedLinesAgainButAnInvalidLineStaysInvalid() {
        let history = Self.history([("a.example/x:1", .good), ("a.example/x:2", .timeout), ("Bad/Line", .error)])
        let list = PlannedList("a.example/x:1\na.example/x:2\nBad/Line\n", history: history, retryFailed: true)
        #expect(list.earlier == [.good, .error])
        #expect(list.jobs.map(\.text) == ["a.example/x:2"])
        #expect(list.invalid.isEmpty)
    }

    /// A line planned and recorded by this --resume run (the writer notes its record in the one
    /// history) is no earlier result when the planning, a chunk later, meets its repeat: that is a
    /// duplicate, and the record is no record of a line gone from the list.
    @Test func aRepeatOfALineThisRunRecordedIsADuplicate() {
        let history = Self.history([("a.example/x:1", .good)])
        var planner = ListPlanner(registry: nil, history: history, retryFailed: false)
        var offset = 0
        func plan(_ text: String) -> ListPlanner.Planned {
            let bytes = Array(text.utf8)
            defer { offset += bytes.count + 1 }
            return planner.plan(LineReader.Line(bytes: bytes[...], offset: offset, length: bytes.count, terminated: true),
                                isOpen: { _ in false })
        }
        guard case .earlier = plan("a.example/x:1") else {
            Issue.record("line 1 has a record")
            return
        }
        guard case .job = plan("a.example/x:2") else {
            Issue.record("line 2 is a job")
            return
        }
        guard case .invalid = plan("Bad/Line") else {
            Issue.record("line 3 is invalid")
            return
        }
        history.noteWritten("a.example/x:2", .good)
        history.noteWritten("Bad/Line", .error)
        #expect(planner.unmatchedRecords == 0, "every record is of a line in the list")
        guard case .duplicate(let job) = plan("a.example/x:2"), case .duplicate(let invalid) = plan("Bad/Line") else {
            Issue.record("a repeat of a line recorded by this run is a duplicate")
            return
        }
        #expect(job == ImageList.Duplicate(line: 4, text: "a.example/x:2", firstLine: 2))
        #expect(invalid == ImageList.Duplicate(line: 5, text: "Bad/Line", firstLine: 3))
        #expect(planner.entries == 3)
        #expect(planner.unmatchedRecords == 0)
    }

    /// A line too long to read is recorded under a stand-in; --resume finds that record instead of
    /// recording the line again (twice in error_image.txt).
    @Test func aResumedRunFindsTheRecordOfALineTooLongToRead() {
        let history = Self.history([("(line 2: 20000000 bytes)", .error)])
        var planner = ListPlanner(registry: nil, history: history, retryFailed: false)
        let first = Array("a.example/x:1".utf8)
        _ = planner.plan(LineReader.Line(bytes: first[...], offset: 0, length: first.count, terminated: true), isOpen: { _ in false })
        let long = planner.plan(LineReader.Line(bytes: nil, offset: first.count + 1, length: 20_000_000, terminated: true),
                                isOpen: { _ in false })
        guard case .earlier(.error) = long else {
            Issue.record("the long line's record is found: \(long)")
            return
        }
        #expect(planner.unmatchedRecords == 0)
    }
}

/// Whether a line not yet planned could need verifying: what decides if the daemon is asked.
struct ListPlannerLookAheadTests {
    static func line(_ text: String?) -> LineReader.Line {
        LineReader.Line(bytes: text.map { Array($0.utf8)[...] }, offset: 0, length: text?.utf8.count ?? 20_000_000, terminated: true)
    }

    @Test func onlyAValidReferenceOfThisShardMayNeedVerifying() throws {
        let planner = ListPlanner(registry: nil, history: nil, retryFailed: false)
        #expect(planner.mayVerify(Self.line("  r.example.com/team/app:v1 ")))
        for text in ["", "   ", "# r.example.com/team/app:v1", "r.example.com/Team/App:v1", "a b", nil] {
            #expect(!planner.mayVerify(Self.line(text)), "\(text ?? "(too long to read)")")
        }
        let shard = try Shard(parsing: "1/3")
        let sharded = ListPlanner(registry: nil, history: nil, retryFailed: false, shard: shard)
        #expect(sharded.mayVerify(Self.line("alpine:3")), "alpine:3 is in shard 1/3 (README)")
        let outside = try #require(["alpine:4", "alpine:5", "alpine:6", "alpine:7"].first { !shard.contains($0) })
        #expect(!sharded.mayVerify(Self.line(outside)), "\(outside) is in another shard")
    }
}

extension ListPlannerLookAheadTests {
    /// A line an earlier run recorded is no line to verify when resuming (a good one, with
    /// --retry-failed): a resumed list of over 1,000 new invalid lines before its recorded ones
    /// asked the daemon, and with it down stopped with exit 2 and nothing recorded.
    @Test func aLineAnEarlierRunRecordedIsNoneToVerify() {
        let history = ListPlannerTests.history([("a.example/x:1", .good), ("a.example/x:2", .error)])
        let resumed = ListPlanner(registry: nil, history: history, retryFailed: false)
        #expect(!resumed.mayVerify(Self.line("a.example/x:1")))
        #expect(!resumed.mayVerify(Self.line("a.example/x:2")))
        #expect(resumed.mayVerify(Self.line("a.example/x:3")))
        let retrying = ListPlanner(registry: nil, history: history, retryFailed: true)
        #expect(!retrying.mayVerify(Self.line("a.example/x:1")))
        #expect(retrying.mayVerify(Self.line("a.example/x:2")), "--retry-failed verifies it again")
        #expect(history.matched == 0, "looking ahead marks no line met")
    }
}
