import Foundation
import Testing

/// Transient failures, rate limits and a failing registry, against the fake client.
@Suite(.serialized)
struct LongRunTests {
    @Test(arguments: engines)
    func aTransientFailureIsTriedAgainWithItsMessagesKept(_ engine: String) throws {
        let list = "r.example.com/team/fails-twice:v1\nr.example.com/team/notfound:v1\n"
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["--retry-delay", "0.1"])
        #expect(run.status == 1)
        let record = try #require(run.records["r.example.com/team/fails-twice:v1"])
        #expect(record["status"] as? String == "good")
        #expect(record["attempts"] as? Int == 3)
        let failed = try #require(record["failed_attempts"] as? [String])
        #expect(failed.count == 2 && failed.allSatisfy { $0.hasPrefix("network: ") }, "\(failed)")
        #expect(run.calls.filter { $0.hasPrefix("pull r.example.com/team/notfound:v1") }.count == 1, "not-found is final at once")
        #expect(run.stderr.contains("retried: 1 images met a transient failure and were tried again; 1 of them are good only after a retry"))
    }

    @Test func retriesCanBeTurnedOff() throws {
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/fails-twice:v1\n", arguments: ["--retries", "0"])
        #expect(run.status == 1)
        #expect(run.errors.map(\.category) == ["network"])
        #expect(run.records["r.example.com/team/fails-twice:v1"]?["attempts"] as? Int == 1)
    }

    @Test(arguments: engines)
    func theCircuitBreakerStopsTheRunWithStatus3AndResumeContinues(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        let list = (1...30).map { "r.example.com/team/notfound-\($0):v1" }.joined(separator: "\n") + "\n"
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["--max-failures", "5", "-p", "1", "-c", "1"], scratch: scratch)
        #expect(run.status == 3)
        #expect(run.stderr.contains("verify: stopping: 5 images failed; --max-failures is 5; --resume continues where this run stopped"))
        #expect(run.stderr.contains("stopped by --max-failures: 5 images failed"))
        #expect(run.records.count == 5, "a dead registry costs N attempts, not the whole list")
        #expect(run.calls.filter { $0.hasPrefix("pull") }.count <= 6)
        let resumed = try VerifyRun.run(engine: engine, list: list, arguments: ["--resume"], scratch: scratch)
        #expect(resumed.status == 1)
        #expect(resumed.errors.count == 30)
        #expect(resumed.calls.filter { $0.hasPrefix("pull") }.count <= 6 + 25, "the five recorded are not pulled again")
    }

    @Test func aPercentageTripsOnlyOnceTwentyImagesAreDone() throws {
        let list = (1...40).map { "r.example.com/team/notfound-\($0):v1" }.joined(separator: "\n") + "\n"
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["--max-failures", "50%", "-p", "1", "-c", "1"])
        #expect(run.status == 3)
        #expect(run.records.count == 20)
    }

    /// A registry that answers 429 above 10 pulls a second: the accepted rate converges to within
    /// 25% of it, and the 429s stay few.
    @Test func theStartRateConvergesOnWhatTheRegistryAccepts() throws {
        let list = (1...200).map { "r.example.com/team/limited-\($0):v1" }.joined(separator: "\n") + "\n"
        let scratch = VerifyRun.scratch()
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["-p", "2", "-c", "5", "--retries", "10", "--retry-delay", "0.5"],
                                    scratch: scratch, environment: ["FAKE_DOCKER_RATE": "10"], limit: 90)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.good.count == 200)
        let accepted = ((try? String(contentsOfFile: scratch + "/state/accepted.log", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Double($0) }.sorted()
        let rejected = ((try? String(contentsOfFile: scratch + "/state/429.log", encoding: .utf8)) ?? "").split(separator: "\n").count
        let steady = accepted.filter { $0 >= accepted[0] + 3 }
        let rate = Double(steady.count - 1) / (steady.last! - steady.first!)
        #expect(rate >= 7.5 && rate <= 10.5, "accepted \(rate) pulls a second against a limit of 10")
        #expect(rejected <= 40, "\(rejected) answers of 429 for 200 images")
        #expect(run.stderr.contains("start rate: cut"))
    }
}
