import Foundation
import Testing

/// Long runs: an output directory is continued, never started again from zero.
@Suite(.serialized)
struct ResumeTests {
    @Test(arguments: engines)
    func resumeVerifiesOnlyTheLinesWithoutAResultMatchedByText(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        let first = try VerifyRun.run(engine: engine, list: "r.example.com/team/a:v1\nr.example.com/team/b:v1\nr.example.com/team/gone:v1\n",
                                      scratch: scratch)
        #expect(first.status == 0)
        // Re-sorted, one line removed, one added: lines are matched by their text, not their number.
        let second = try VerifyRun.run(engine: engine, list: "r.example.com/team/new:v1\nr.example.com/team/b:v1\nr.example.com/team/a:v1\n",
                                       arguments: ["--resume"], scratch: scratch)
        #expect(second.status == 0)
        #expect(second.calls.filter { $0.hasPrefix("pull") }.map { $0.split(separator: " ")[1] }.sorted()
                == ["r.example.com/team/a:v1", "r.example.com/team/b:v1", "r.example.com/team/gone:v1", "r.example.com/team/new:v1"],
                "only the new line is pulled by the second run")
        #expect(second.good.sorted() == ["r.example.com/team/a:v1", "r.example.com/team/b:v1", "r.example.com/team/gone:v1", "r.example.com/team/new:v1"])
        #expect(second.stderr.contains("verify: 3 of 3 images verified"))
        #expect(second.stderr.contains("resumed: 2 results from earlier runs counted above; 1 records kept for lines no longer in the list"))
    }

    /// An invalid line of 2 MB (and one of 400 KB of control characters, whose record escapes each
    /// byte in six) keeps its exact text in its record, and a resumed run reads that record back:
    /// it is counted as done, not recorded again, and no line of results.jsonl is called no record.
    @Test func aResumedRunReadsBackTheRecordsOfHugeInvalidLines() throws {
        let scratch = VerifyRun.scratch()
        let list = "r.example.com/team/a:v1\n" + String(repeating: "x", count: 2_000_000) + "\n"
            + String(repeating: "\u{1}", count: 400_000) + "\nr.example.com/team/b:v1\n"
        let first = try VerifyRun.run(engine: "posix", list: list, scratch: scratch)
        #expect(first.status == 1)
        #expect(first.lines("results.jsonl").count == 4)
        for _ in 1...2 {
            let resumed = try VerifyRun.run(engine: "posix", list: list, arguments: ["--resume"], scratch: scratch)
            #expect(resumed.status == 1)
            #expect(resumed.lines("results.jsonl").count == 4, "no record is written again")
            #expect(resumed.lines("error_image.txt").count == 2)
            #expect(!resumed.stderr.contains("are not records"), "\(resumed.stderr.prefix(2000))")
            #expect(resumed.stderr.contains("resumed: 4 results from earlier runs counted above"), "\(resumed.stderr.prefix(2000))")
        }
    }

    @Test func resumeIntoAnEmptyOrMissingDirectoryStartsTheRun() throws {
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a:v1\n", arguments: ["--resume"])
        #expect(run.status == 0)
        #expect(run.good == ["r.example.com/team/a:v1"])
    }

    @Test func resumeRefusesResultsMadeWithAnotherRegistry() throws {
        let scratch = VerifyRun.scratch()
        let list = "old.example.com/team/a:v1\nold.example.com/team/b:v1\n"
        _ = try VerifyRun.run(engine: "posix", list: list, arguments: ["--registry", "one.example.com"], scratch: scratch)
        let second = try VerifyRun.run(engine: "posix", list: list, arguments: ["--registry", "two.example.com", "--resume"], scratch: scratch)
        #expect(second.status == 2)
        #expect(second.stderr == "verify: error: cannot resume: \(scratch)/out/run.json says these results were made differently (--registry was one.example.com, now two.example.com); run with the same options, or pass --overwrite\n")
        let third = try VerifyRun.run(engine: "posix", list: list, scratch: scratch)
        #expect(third.status == 2)
        #expect(third.stderr.contains("already holds results; pass --resume to continue them, --overwrite to replace them"))
    }

    @Test(arguments: engines)
    func retryFailedRunsErrorsAgainAndEachLineEndsInOneFileOnce(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        #expect(FileManager.default.createFile(atPath: scratch + "/state/flaky-fails", contents: nil))
        let list = "r.example.com/team/flaky:v1\nr.example.com/team/good:v1\nr.example.com/team/notfound:v1\n"
        let first = try VerifyRun.run(engine: engine, list: list, scratch: scratch)
        #expect(first.status == 1)
        #expect(first.errors.map(\.reference).sorted() == ["r.example.com/team/flaky:v1", "r.example.com/team/notfound:v1"])
        try FileManager.default.removeItem(atPath: scratch + "/state/flaky-fails")
        let second = try VerifyRun.run(engine: engine, list: list, arguments: ["--retry-failed"], scratch: scratch)
        #expect(second.status == 1, "notfound is still an error")
        #expect(second.calls.filter { $0.hasPrefix("pull r.example.com/team/good:v1") }.count == 1, "a good line is not pulled again")
        #expect(second.good.sorted() == ["r.example.com/team/flaky:v1", "r.example.com/team/good:v1"])
        #expect(second.errors.map(\.reference) == ["r.example.com/team/notfound:v1"])
        #expect(second.lines("results.jsonl").count == 5, "results.jsonl keeps the history")
    }

    @Test func aTornLastRecordIsReportedWithItsOffsetAndItsImageVerifiedAgain() throws {
        let scratch = VerifyRun.scratch()
        let list = "r.example.com/team/a:v1\nr.example.com/team/b:v1\n"
        _ = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a:v1\n", scratch: scratch)
        let records = scratch + "/out/results.jsonl"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: records)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: records))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"attempts":1,"category":null,"reference":"r.example.com/team/b:v1","sta"#.utf8))
        try handle.close()
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["--resume"], scratch: scratch)
        #expect(run.status == 0)
        #expect(run.stderr.contains("results.jsonl: the last line, at byte \(size), was torn by a crash (72 bytes without a newline); it is cut off, and its image is verified again"))
        #expect(run.good.sorted() == ["r.example.com/team/a:v1", "r.example.com/team/b:v1"])
        #expect(run.records.count == 2, "every line of results.jsonl is a record")
    }

    /// SIGKILL at random moments, then --resume, until the run completes: every line recorded
    /// once, nothing that had a record pulled again, no client left behind.
    @Test(arguments: engines)
    func killedAtRandomAndResumedUntilDone(_ engine: String) throws {
        let references = (1...40).map { "r.example.com/team/slow-\($0):v1" }
        let list = references.joined(separator: "\n") + "\n"
        let scratch = VerifyRun.scratch()
        var generator = SystemRandomNumberGenerator()
        var recorded: Set<String> = []
        var finished = false
        for round in 1...12 where !finished {
            let callsBefore = (try? String(contentsOfFile: scratch + "/state/calls.log", encoding: .utf8))?.split(separator: "\n").count ?? 0
            let run = try VerifyRun.run(engine: engine, list: list, arguments: ["--resume", "-p", "2", "-c", "3"], scratch: scratch,
                                        environment: ["FAKE_DOCKER_SLOW": "0.1"], limit: 30) { process in
                guard round < 12 else { return }
                usleep(UInt32.random(in: 150_000...900_000, using: &generator))
                kill(process.processIdentifier, SIGKILL)
            }
            finished = run.status == 0
            let pulls = run.calls.dropFirst(callsBefore).filter { $0.hasPrefix("pull ") }
            let again = pulls.map { String($0.split(separator: " ")[1]) }.filter(recorded.contains)
            #expect(again.isEmpty, "round \(round) pulled again what had a record: \(again)")
            let clients = pulls.compactMap { Int32($0.split(separator: " ")[2]) }
            #expect(eventually(5) { clients.allSatisfy { !isAlive($0) } }, "round \(round) left clients: \(clients.filter(isAlive))")
            recorded = Set(run.lines("results.jsonl").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["reference"] as? String
            })
        }
        let final = try VerifyRun.run(engine: engine, list: list, arguments: ["--resume"], scratch: scratch)
        #expect(finished && final.status == 0)
        #expect(final.good.sorted() == references.sorted(), "every line once in good_image.txt")
        #expect(final.errors.isEmpty && final.timeouts.isEmpty)
    }
}
