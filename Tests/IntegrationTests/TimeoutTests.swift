import Foundation
import Testing

/// The timeout ends the client, and everything the client started: no process survives.
@Suite(.serialized)
struct TimeoutTests {
    @Test(arguments: engines)
    func aHungPullWhoseGrandchildHoldsThePipeTimesOutAndLeavesNoProcess(_ engine: String) throws {
        let list = "r.example.com/team/hang:v1\nr.example.com/team/good:v1\n"
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "--timeout", "1", "--kill-grace", "1"], limit: 30)
        #expect(run.status == 1)
        #expect(run.timeouts == ["r.example.com/team/hang:v1"])
        #expect(run.good == ["r.example.com/team/good:v1"])
        let record = try #require(run.records["r.example.com/team/hang:v1"])
        #expect(record["status"] as? String == "timeout")
        #expect(record["category"] as? String == "timeout")
        #expect(record["step"] as? String == "pull")
        let hung = run.hungProcesses
        #expect(hung.count == 2, "the fake pull and its grandchild recorded their PIDs")
        #expect(eventually(5) { hung.allSatisfy { !isAlive($0) } }, "survivors: \(hung.filter(isAlive))")
    }

    @Test(arguments: engines)
    func aClientWhoseGrandchildKeepsItsPipesIsFinishedAfterTheDrain(_ engine: String) throws {
        // The pull exits 0 at once; its grandchild keeps the pipes open. The image must not wait for
        // its timeout: after the 2 s drain the group is killed and the image is good.
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/lingers:v1\n", arguments: ["-p", "1", "--timeout", "30"], limit: 20)
        #expect(run.status == 0)
        #expect(run.good == ["r.example.com/team/lingers:v1"])
        let duration = try #require(run.records["r.example.com/team/lingers:v1"]?["duration_ms"] as? Int)
        #expect(duration < 10_000, "took \(duration) ms")
        #expect(eventually(5) { run.hungProcesses.allSatisfy { !isAlive($0) } })
    }

    @Test(arguments: engines)
    func clientsStartWithNoSignalIgnoredOrBlocked(_ engine: String) throws {
        // A client that ignored or blocked SIGTERM would outlive every timeout's first signal.
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/sigcheck:v1\n", arguments: ["-p", "1"])
        #expect(run.status == 0)
        let lines = try String(contentsOfFile: run.stateDirectory + "/signals", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let mask = try #require(UInt64(line.split(separator: "\t").last!.trimmingCharacters(in: .whitespaces), radix: 16))
            for signal in [SIGHUP, SIGINT, SIGPIPE, SIGTERM, SIGCHLD] {
                #expect(mask & (1 << UInt64(signal - 1)) == 0, "signal \(signal) in the client's \(line)")
            }
        }
    }

    @Test(arguments: engines)
    func fortyHungPullsAllTimeOutOnTime(_ engine: String) throws {
        // With blocking reads on Dispatch's global queues, a 2 s timeout once fired after 18 s with
        // 10 to 40 hung children. Each of these must end within its timeout, grace and some slack.
        let list = (1...40).map { "r.example.com/team/hang-\($0):v1" }.joined(separator: "\n")
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "2", "-c", "20", "--timeout", "1", "--kill-grace", "0.5"], limit: 30)
        #expect(run.status == 1)
        #expect(run.timeouts.count == 40)
        let durations = run.records.values.compactMap { $0["duration_ms"] as? Int }
        #expect(durations.count == 40)
        #expect(durations.allSatisfy { $0 < 4_000 }, "slowest: \(durations.max() ?? 0) ms")
        #expect(eventually(5) { run.hungProcesses.allSatisfy { !isAlive($0) } })
    }
}
