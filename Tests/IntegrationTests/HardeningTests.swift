import Foundation
import Testing

/// The faults a hostile review found in the supervisor and the workers: each test reproduces one.
@Suite(.serialized)
struct HardeningTests {
    /// PIDs listed in a file of the fake docker's state directory.
    static func pids(_ scratch: String, _ name: String) -> [Int32] {
        ((try? String(contentsOfFile: scratch + "/state/" + name, encoding: .utf8)) ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int32($0) }
    }

    @Test(arguments: engines)
    func linesThatPullTheSameImageAreVerifiedOnceAndEachGetsItsRecord(_ engine: String) throws {
        // --registry merges two old registries: both lines pull new.example.com/team/x:v1.
        let list = "old1.example.com/team/x:v1\nold2.example.com/team/x:v1\nold1.example.com/team/y:v1\n"
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["--registry", "new.example.com", "-p", "2", "-c", "3"])
        #expect(run.status == 0)
        #expect(run.good.sorted() == ["old1.example.com/team/x:v1", "old1.example.com/team/y:v1", "old2.example.com/team/x:v1"])
        #expect(run.calls.filter { $0.hasPrefix("pull new.example.com/team/x:v1") }.count == 1, "pulled once: \(run.calls)")
        let shared = try #require(run.records["old2.example.com/team/x:v1"])
        #expect(shared["same_as"] as? String == "old1.example.com/team/x:v1")
        #expect(shared["digest"] as? String == run.records["old1.example.com/team/x:v1"]?["digest"] as? String)
        #expect(run.records["old1.example.com/team/x:v1"]?["same_as"] is NSNull)
        #expect(run.stderr.contains("same image: 1 lines pull the same image as an earlier line"))
        #expect(run.stderr.contains("line 2 old2.example.com/team/x:v1 = line 1 old1.example.com/team/x:v1"))
    }

    @Test(arguments: engines)
    func aStoppedWorkerIsKilledAsHungAndItsImagesRunElsewhere(_ engine: String) throws {
        let list = (1...4).map { "r.example.com/team/slow-\($0):v1" }.joined(separator: "\n")
        let scratch = VerifyRun.scratch()
        var stopped: Int32 = 0
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "2", "-c", "2", "-t", "2", "--kill-grace", "0.5"],
                                    scratch: scratch, environment: ["FAKE_DOCKER_SLOW": "1"], limit: 40) { process in
            #expect(eventually(10) { children(of: process.processIdentifier).count == 2 })
            stopped = children(of: process.processIdentifier).min() ?? 0
            kill(stopped, SIGSTOP)
        }
        defer { kill(stopped, SIGKILL) }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.good.count == 4, "every image is verified, the stopped worker's on another worker")
        #expect(run.stderr.contains("killing it as hung"))
        #expect(!isAlive(stopped))
    }

    @Test(arguments: engines)
    func aWorkerThatWakesLateJudgesAClientByWhenItExited(_ engine: String) throws {
        // The pulls end in 0.3 s; the worker sleeps 4 s, past the 2 s timeout but not the
        // supervisor's deadline (2 + 0.5 + 2 + 5.2 s).
        let list = (1...2).map { "r.example.com/team/slow-\($0):v1" }.joined(separator: "\n")
        let scratch = VerifyRun.scratch()
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "-c", "2", "-t", "2", "--kill-grace", "0.5"],
                                    scratch: scratch, environment: ["FAKE_DOCKER_SLOW": "0.3"], limit: 30) { process in
            let log = scratch + "/state/calls.log"
            #expect(eventually(10) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 2 })
            let worker = children(of: process.processIdentifier)
            worker.forEach { kill($0, SIGSTOP) }
            usleep(4_000_000)
            worker.forEach { kill($0, SIGCONT) }
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.timeouts.isEmpty)
        #expect(run.good.count == 2)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalDuringTheDaemonCheckStopsItAndExits130(_ stopSignal: Int32) throws {
        let scratch = VerifyRun.scratch()
        #expect(FileManager.default.createFile(atPath: scratch + "/state/daemon-hangs", contents: nil))
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/good:v1\n", scratch: scratch, limit: 20) { process in
            #expect(eventually(10) { !Self.pids(scratch, "check.pids").isEmpty })
            kill(process.processIdentifier, stopSignal)
        }
        #expect(run.status == 130)
        #expect(run.stderr.contains("verify: interrupted"))
        let check = Self.pids(scratch, "check.pids")
        #expect(eventually(5) { check.allSatisfy { !isAlive($0) } }, "the hung check survived: \(check)")
        #expect(run.records.isEmpty)
    }

    @Test func aKilledVerifyLeavesNoHungDaemonCheck() throws {
        let scratch = VerifyRun.scratch()
        #expect(FileManager.default.createFile(atPath: scratch + "/state/daemon-hangs", contents: nil))
        _ = try VerifyRun.run(engine: "posix", list: "r.example.com/team/good:v1\n", scratch: scratch, limit: 20) { process in
            #expect(eventually(10) { !Self.pids(scratch, "check.pids").isEmpty })
            kill(process.processIdentifier, SIGKILL)
        }
        let check = Self.pids(scratch, "check.pids")
        #expect(eventually(5) { check.allSatisfy { !isAlive($0) } }, "the hung check survived: \(check)")
    }

    @Test(arguments: engines)
    func aGrandchildThatLeavesItsSessionIsEndedWithItsImage(_ engine: String) throws {
        let list = "r.example.com/team/escapes:v1\nr.example.com/team/hang-escapes:v1\n"
        let scratch = VerifyRun.scratch()
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "-c", "2", "-t", "1", "--kill-grace", "0.5"],
                                    scratch: scratch, limit: 30)
        #expect(run.status == 1)
        #expect(run.good == ["r.example.com/team/escapes:v1"])
        #expect(run.timeouts == ["r.example.com/team/hang-escapes:v1"])
        let escaped = Self.pids(scratch, "escaped.pids")
        #expect(escaped.count == 2)
        #expect(eventually(5) { escaped.allSatisfy { !isAlive($0) } }, "survivors: \(escaped.filter(isAlive))")
    }

    @Test(arguments: engines)
    func whatADeadWorkerStartedIsEndedByTheSupervisor(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/killsworker:v1\n", arguments: ["-p", "1"],
                                    scratch: scratch, limit: 30)
        #expect(run.status == 1)
        #expect(run.errors.map(\.category) == ["worker-crashed"])
        let left = Self.pids(scratch, "escaped.pids") + Self.pids(scratch, "hung.pids")
        #expect(left.count == 4, "two tries, each a client and an escaped grandchild")
        #expect(eventually(5) { left.allSatisfy { !isAlive($0) } }, "survivors: \(left.filter(isAlive))")
    }

    @Test(arguments: engines)
    func theImageThatFoundTheDaemonDownIsCountedAsInFlight(_ engine: String) throws {
        let list = "r.example.com/team/good:v1\nr.example.com/team/daemondown:v1\nr.example.com/team/good-2:v1\n"
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "-c", "1"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("interrupted: 1 in flight (not recorded), 1 never started"), "\(run.stderr)")
    }

    @Test func anEmptyListStillNeedsItsClient() throws {
        let run = try VerifyRun.run(engine: "posix", list: "# nothing to check\n\n", arguments: ["--docker", "/nonexistent/docker"])
        #expect(run.status == 2)
        #expect(run.stderr == "verify: error: container client \"/nonexistent/docker\" not found; install docker or pass --docker PATH\n")
    }

    @Test(arguments: [
        (["-c", "9223372036854775807"], "verify: error: --concurrency: must be from 1 to 10000, not 9223372036854775807 (see verify --help)\n"),
        (["-p", "9223372036854775807"], "verify: error: --processes: must be from 1 to 1024, not 9223372036854775807 (see verify --help)\n"),
        (["--progress-interval", "1e300"], "verify: error: --progress-interval: must be from 0 to 86400 seconds, not 1e+300 (see verify --help)\n"),
        (["-t", "1e300"], "verify: error: --timeout: must be from 0.001 to 604800 seconds, not 1e+300 (see verify --help)\n"),
        (["-t", "1e-9"], "verify: error: --timeout: must be from 0.001 to 604800 seconds, not 1e-09 (see verify --help)\n"),
        (["--kill-grace", "1e300"], "verify: error: --kill-grace: must be from 0 to 3600 seconds, not 1e+300 (see verify --help)\n"),
        (["--rate", "0"], "verify: error: --rate: must be from 0.01 to 1000000 starts a second, not 0 (see verify --help)\n"),
        (["--retries", "1000"], "verify: error: --retries: must be from 0 to 100, not 1000 (see verify --help)\n"),
        (["--retry-delay", "1e300"], "verify: error: --retry-delay: must be from 0 to 3600 seconds, not 1e+300 (see verify --help)\n"),
        (["--max-failures", "0"], "verify: error: The value '0' is invalid for '--max-failures <N|P%>' (see verify --help)\n"),
        (["--min-free", "1e300G"], "verify: error: The value '1e300G' is invalid for '--min-free <size>' (see verify --help)\n"),
        (["--resume", "--overwrite"], "verify: error: --overwrite: replaces the results that --resume and --retry-failed continue; give one or the other (see verify --help)\n"),
    ])
    func hugeAndTinyValuesAreOneLineErrorsNotTraps(_ arguments: [String], _ message: String) throws {
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/good:v1\n", arguments: arguments)
        #expect(run.status == 2)
        #expect(run.stderr == message)
    }

    @Test func theSmallestTimeoutStillChecksTheDaemonAndTimesImagesOut() throws {
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/slow:v1\n", arguments: ["-t", "0.001", "--kill-grace", "0"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.timeouts == ["r.example.com/team/slow:v1"])
    }
}
