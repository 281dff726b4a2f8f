import Foundation
import Testing

/// Workers, signals and crashes: no image is lost or recorded twice, and nothing is left running.
@Suite(.serialized)
struct LifecycleTests {
    @Test(arguments: engines)
    func aSlowImageDoesNotHoldUpTheOtherWorker(_ engine: String) throws {
        // With fixed slicing, worker 1 would own half the list and sit behind the slow image.
        let list = (["r.example.com/team/slow:v1"] + (1...8).map { "r.example.com/team/good-\($0):v1" }).joined(separator: "\n")
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "2", "-c", "1"], environment: ["FAKE_DOCKER_SLOW": "3"])
        #expect(run.status == 0)
        #expect(run.good.count == 9)
        let slowWorker = try #require(run.records["r.example.com/team/slow:v1"]?["worker"] as? Int)
        let others = (1...8).compactMap { run.records["r.example.com/team/good-\($0):v1"]?["worker"] as? Int }
        #expect(others.count == 8)
        #expect(others.filter { $0 == slowWorker }.count <= 1, "the busy worker took \(others.filter { $0 == slowWorker }.count) more images")
    }

    @Test(arguments: engines, [SIGINT, SIGTERM])
    func aStopSignalStopsEverythingRecordsNothingInFlightAndExits130(_ engine: String, _ stopSignal: Int32) throws {
        let list = (["r.example.com/team/good:v1"] + (1...4).map { "r.example.com/team/hang-\($0):v1" }).joined(separator: "\n")
        var hung: [Int32] = []
        let scratch = VerifyRun.scratch()
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "-c", "3"], scratch: scratch, limit: 20) { process in
            let pids = scratch + "/state/hung.pids"
            let good = scratch + "/out/good_image.txt"
            // The good image finishes first, and its place in the window goes to a third hung pull.
            #expect(eventually(10) { ((try? String(contentsOfFile: good, encoding: .utf8)) ?? "").contains("\n") })
            #expect(eventually(10) { ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").count >= 3 })
            kill(process.processIdentifier, stopSignal)
        }
        hung = run.hungProcesses
        #expect(run.status == 130)
        #expect(run.good == ["r.example.com/team/good:v1"], "what finished before Ctrl-C stays recorded")
        #expect(run.timeouts.isEmpty && run.errors.isEmpty, "nothing is written for interrupted images")
        #expect(run.records.count == 1)
        #expect(run.stderr.contains("interrupted: 3 in flight (not recorded), 1 never started"))
        #expect(hung.count == 6)
        #expect(eventually(5) { hung.allSatisfy { !isAlive($0) } }, "survivors: \(hung.filter(isAlive))")
    }

    @Test(arguments: engines)
    func aSecondCtrlCExitsAtOnceAndStillLeavesNothingRunning(_ engine: String) throws {
        let list = (1...4).map { "r.example.com/team/hang-\($0):v1" }.joined(separator: "\n")
        let scratch = VerifyRun.scratch()
        var workers: [Int32] = []
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "2", "-c", "2"], scratch: scratch, limit: 20) { process in
            let pids = scratch + "/state/hung.pids"
            #expect(eventually(10) { ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").count >= 4 })
            workers = children(of: process.processIdentifier)
            kill(process.processIdentifier, SIGINT)
            kill(process.processIdentifier, SIGINT)
        }
        #expect(run.status == 130)
        #expect(run.records.isEmpty)
        #expect(workers.count == 2)
        #expect(run.hungProcesses.count == 8)
        let everything = workers + run.hungProcesses
        #expect(eventually(5) { everything.allSatisfy { !isAlive($0) } }, "survivors: \(everything.filter(isAlive))")
    }

    @Test(arguments: engines)
    func progressIsReportedWhileRunning(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        let listPath = scratch + "/images.txt"
        try "r.example.com/team/slow:v1\n".write(toFile: listPath, atomically: true, encoding: .utf8)
        let result = try execute(VerifyRun.executable, [listPath, "-o", scratch + "/out", "--docker", VerifyRun.fakeDocker,
                                                        "--progress-interval", "0.5"] + engineArguments(engine),
                                 environment: ["FAKE_DOCKER_STATE": scratch + "/state", "FAKE_DOCKER_SLOW": "2"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("verify: 0/1 done (0%; 0 good, 0 error, 0 timeout), 0.0 images/min over the last minute, ETA --\n"))
    }

    @Test(arguments: engines)
    func aWorkerThatDiesHasItsImagesRunAgainOnce(_ engine: String) throws {
        let list = (1...3).map { "r.example.com/team/slow-\($0):v1" }.joined(separator: "\n")
        let scratch = VerifyRun.scratch()
        var firstPulls: [Int32] = []
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "-c", "3"], scratch: scratch,
                                    environment: ["FAKE_DOCKER_SLOW": "2"], limit: 30) { process in
            let log = scratch + "/state/calls.log"
            #expect(eventually(10) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 3 })
            let workers = children(of: process.processIdentifier)
            #expect(workers.count == 1)
            firstPulls = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { Int32($0.split(separator: " ").last ?? "") }
            for worker in workers { kill(worker, SIGKILL) }
        }
        #expect(run.status == 0)
        #expect(run.good.count == 3, "every image is verified by the replacement worker")
        for record in run.records.values { #expect(record["attempts"] as? Int == 2) }
        #expect(firstPulls.count == 3)
        #expect(eventually(5) { firstPulls.allSatisfy { !isAlive($0) } }, "the dead worker's pulls were killed first")
        #expect(run.stderr.contains("worker 1 killed by signal 9"))
    }

    @Test(arguments: engines)
    func aWorkerDoesNotAccumulateDescriptorsOverManyClients(_ engine: String) throws {
        // A Foundation.Process that is never waited for keeps its pipes: a leak of 2 or 3 descriptors
        // per client. The worker is looked at after 5 images (15 clients) and again after 155 (465).
        let good = { (range: ClosedRange<Int>) in range.map { "r.example.com/team/good-\($0):v1" } }
        let list = (good(1...5) + ["r.example.com/team/slow-early:v1"] + good(6...155) + ["r.example.com/team/slow-late:v1"])
            .joined(separator: "\n")
        let scratch = VerifyRun.scratch()
        var counts: [Int] = []
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "-c", "1"], scratch: scratch,
                                    environment: ["FAKE_DOCKER_SLOW": "2"], limit: 60) { process in
            let log = scratch + "/state/calls.log"
            for slow in ["slow-early", "slow-late"] {
                #expect(eventually(50) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("pull r.example.com/team/\(slow):v1") })
                for worker in children(of: process.processIdentifier) {
                    counts.append((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(worker)/fd"))?.count ?? -1)
                }
            }
        }
        #expect(run.status == 0)
        #expect(run.good.count == 157)
        #expect(counts.count == 2)
        if counts.count == 2 {
            #expect(counts[0] > 0 && counts[1] <= counts[0] + 10, "worker descriptors after 15 and 465 clients: \(counts)")
        }
    }

    @Test(arguments: engines)
    func workersThatKeepDyingMakeImagesWorkerCrashed(_ engine: String) throws {
        let list = "r.example.com/team/slow:v1\n"
        let scratch = VerifyRun.scratch()
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1"], scratch: scratch,
                                    environment: ["FAKE_DOCKER_SLOW": "5"], limit: 30) { process in
            let log = scratch + "/state/calls.log"
            for round in 1...2 {
                #expect(eventually(10) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= round })
                for worker in children(of: process.processIdentifier) { kill(worker, SIGKILL) }
            }
        }
        #expect(run.status == 1)
        let record = try #require(run.records["r.example.com/team/slow:v1"])
        #expect(record["category"] as? String == "worker-crashed")
        #expect(record["attempts"] as? Int == 2)
        #expect(run.errors.map(\.category) == ["worker-crashed"])
    }

    @Test(arguments: engines)
    func killingTheSupervisorLeavesNothingRunning(_ engine: String) throws {
        let list = (1...4).map { "r.example.com/team/hang-\($0):v1" }.joined(separator: "\n")
        let scratch = VerifyRun.scratch()
        var workers: [Int32] = []
        _ = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "2", "-c", "2"], scratch: scratch, limit: 20) { process in
            let pids = scratch + "/state/hung.pids"
            #expect(eventually(10) { ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").count >= 4 })
            workers = children(of: process.processIdentifier)
            kill(process.processIdentifier, SIGKILL)
        }
        let hung = ((try? String(contentsOfFile: scratch + "/state/hung.pids", encoding: .utf8)) ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
        #expect(workers.count == 2)
        #expect(hung.count == 8)
        #expect(eventually(10) { (workers + hung).allSatisfy { !isAlive($0) } }, "survivors: \((workers + hung).filter(isAlive))")
    }
}
