import Foundation
import Testing

/// Faults a hostile review found in the long-run and hardening work: each test failed before its fix.
@Suite(.serialized)
struct ReviewRegressionTests {
    /// Finding 1: a supervisor stopped past the deadline (Ctrl-Z of the whole job, then fg) kills
    /// its healthy workers as hung, and a second stop makes good images `worker-crashed`.
    @Test func aStoppedRunThatResumesDoesNotTurnGoodImagesIntoWorkerCrashes() throws {
        let list = (1...4).map { "r.example.com/team/img\($0)-slow:v1" }.joined(separator: "\n") + "\n"
        let run = try VerifyRun.run(engine: "posix", list: list,
                                    arguments: ["-p", "1", "-c", "4", "-t", "3", "--kill-grace", "0"],
                                    environment: ["FAKE_DOCKER_SLOW": "2"], limit: 90) { process in
            // verify and its workers share a process group only under job control; stop each.
            let pid = process.processIdentifier
            usleep(700_000)
            for _ in 0..<2 {
                let group = [pid] + children(of: pid)
                group.forEach { kill($0, SIGSTOP) }
                sleep(11)  // past the supervisor deadline: 3 + 0 + 2 + 5 + 0.3 s
                group.forEach { kill($0, SIGCONT) }
                usleep(800_000)
            }
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("killing it as hung"), "\(run.stderr)")
        #expect(run.errors.isEmpty, "\(run.errors)")
    }

    /// Finding 2: a worker stopped while it holds no image is never killed, and verify never
    /// exits once every image is recorded.
    @Test func aStoppedIdleWorkerDoesNotHangTheEndOfTheRun() throws {
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a-slow:v1\nr.example.com/team/b-slow:v1\n",
                                    arguments: ["-p", "2", "-c", "5", "-t", "10", "--kill-grace", "0"],
                                    environment: ["FAKE_DOCKER_SLOW": "1"], limit: 45) { process in
            usleep(500_000)
            // Worker 1 takes both images; worker 2 is idle.
            for worker in children(of: process.processIdentifier) {
                if let command = try? String(contentsOfFile: "/proc/\(worker)/cmdline", encoding: .utf8),
                   command.contains("\"index\":2") { kill(worker, SIGSTOP) }
            }
        }
        #expect(run.status == 0, "verify must end (the deadline is 10 + 0 + 2 + 5 + 1 s): \(run.stderr)")
    }

    /// Finding 3: --overwrite never replaces run.json (its replacement is left as a hidden
    /// file), so a later --resume compares against the parameters of the overwritten results.
    @Test func overwriteReplacesRunJsonAndLeavesNoTemporaryFile() throws {
        let scratch = VerifyRun.scratch()
        let list = "team/a:v1\n"
        _ = try VerifyRun.run(engine: "posix", list: list, arguments: ["--registry", "old.example.com"], scratch: scratch)
        let second = try VerifyRun.run(engine: "posix", list: list, arguments: ["--registry", "new.example.com", "--overwrite"], scratch: scratch)
        #expect(second.status == 0)
        let runJSON = try String(contentsOfFile: scratch + "/out/run.json", encoding: .utf8)
        #expect(runJSON.contains("new.example.com"), "\(runJSON)")
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch + "/out")
        #expect(!names.contains { $0.hasPrefix(".") }, "\(names)")
        let resumed = try VerifyRun.run(engine: "posix", list: list, arguments: ["--registry", "new.example.com", "--resume"], scratch: scratch)
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }

    /// Finding 4: README says a run that stops before its first record (a failed check) removes
    /// the --overwrite temporaries. The existing test uses a missing --docker, which fails before
    /// the writer exists; a failed daemon check leaves all five hidden files.
    @Test func overwriteLeavesNoTemporaryFileWhenTheDaemonCheckFails() throws {
        let scratch = VerifyRun.scratch()
        _ = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a:v1\n", scratch: scratch)
        #expect(FileManager.default.createFile(atPath: scratch + "/state/daemon-down", contents: nil))
        let second = try VerifyRun.run(engine: "posix", list: "r.example.com/team/b:v1\n", arguments: ["--overwrite"], scratch: scratch)
        #expect(second.status == 2)
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch + "/out")
        #expect(!names.contains { $0.hasPrefix(".") }, "\(names)")
    }

    /// Finding 5: invalid lines (never pulled) and same_as lines count as failures for
    /// --max-failures; --retry-failed re-records the invalid lines and trips again at once.
    @Test func linesThatWereNeverPulledDoNotTripTheCircuitBreaker() throws {
        let list = "Bad/A:1\nBad/B:1\nBad/C:1\n" + (1...5).map { "r.example.com/team/good\($0):v1" }.joined(separator: "\n") + "\n"
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["-p", "1", "-c", "1", "--max-failures", "3"])
        #expect(run.status == 1, "no pull failed; 3 invalid lines: \(run.stderr)")
        #expect(run.good.count == 5)
    }

    /// Two runs into one directory would pull every image twice and race each other's rmi: the
    /// second is refused while the first holds the directory.
    @Test func aSecondRunIntoTheSameDirectoryIsRefusedWhileTheFirstRuns() throws {
        let scratch = VerifyRun.scratch()
        var second: (status: Int32, stderr: String)?
        let first = try VerifyRun.run(engine: "posix", list: "r.example.com/team/slow:v1\n", arguments: ["--resume"], scratch: scratch,
                                      environment: ["FAKE_DOCKER_SLOW": "2"]) { _ in
            #expect(eventually(10) { FileManager.default.fileExists(atPath: scratch + "/state/calls.log") })
            second = try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--resume",
                                                        "--docker", VerifyRun.fakeDocker],
                                 environment: ["FAKE_DOCKER_STATE": scratch + "/state"])
        }
        #expect(first.status == 0)
        #expect(second?.status == 2)
        #expect(second?.stderr == "verify: error: another verify is writing results into \(scratch)/out; wait for it to finish, or choose another --output-dir\n")
        #expect(first.calls.filter { $0.hasPrefix("pull") }.count == 1)
    }

    /// A completed --overwrite run replaces the old results even when it had nothing to record.
    @Test func overwriteWithAnEmptyListLeavesNoOldResults() throws {
        let scratch = VerifyRun.scratch()
        _ = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a:v1\n", scratch: scratch)
        let second = try VerifyRun.run(engine: "posix", list: "# nothing\n", arguments: ["--overwrite"], scratch: scratch)
        #expect(second.status == 0)
        #expect(second.good.isEmpty && second.lines("results.jsonl").isEmpty)
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch + "/out")
        #expect(!names.contains { $0.hasPrefix(".") }, "\(names)")
    }

    /// A whole last record without its newline (a file joined by hand) is kept, not cut off; an
    /// enormous line is passed over without holding it in memory.
    @Test func aWholeRecordWithoutItsNewlineIsKeptAndAnEnormousLineIsSkipped() throws {
        let scratch = VerifyRun.scratch()
        let list = "r.example.com/team/a:v1\nr.example.com/team/b:v1\n"
        _ = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a:v1\n", scratch: scratch)
        let records = scratch + "/out/results.jsonl"
        var text = try String(contentsOfFile: records, encoding: .utf8)
        text = String(repeating: "x", count: 3 << 20) + "\n" + text.dropLast()
        try text.write(toFile: records, atomically: true, encoding: .utf8)
        let run = try VerifyRun.run(engine: "posix", list: list, arguments: ["--resume"], scratch: scratch)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("torn"), "\(run.stderr)")
        #expect(run.stderr.contains("1 lines are not records (the first at byte 0); they are ignored"))
        #expect(run.calls.filter { $0.hasPrefix("pull") }.map { $0.split(separator: " ")[1] } == ["r.example.com/team/a:v1", "r.example.com/team/b:v1"],
                "a is not pulled again")
        #expect(run.good.sorted() == ["r.example.com/team/a:v1", "r.example.com/team/b:v1"])
    }

    /// A run whose every image is good, with stderr on /dev/full (or a closed pipe), must still exit 0.
    @Test func aFullStderrDoesNotCrashTheSummary() throws {
        let scratch = VerifyRun.scratch()
        try "r.example.com/app1:v1\n".write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: VerifyRun.executable)
        process.arguments = [scratch + "/images.txt", "-o", scratch + "/out", "--docker", VerifyRun.fakeDocker, "--progress", "none"]
        process.environment = ProcessInfo.processInfo.environment.merging(["FAKE_DOCKER_STATE": scratch + "/state"]) { $1 }
        process.standardError = FileHandle(forWritingAtPath: "/dev/full")
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0,
                "status \(process.terminationStatus), reason \(process.terminationReason.rawValue)")
    }

    /// A second Ctrl-C during an --overwrite run with no record yet must not leave .*.new-* files behind.
    @Test func aSecondCtrlCLeavesNoTemporaryFiles() throws {
        let scratch = VerifyRun.scratch()
        _ = try VerifyRun.run(engine: "posix", list: "r.example.com/app1:v1\n", scratch: scratch)
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/hang1:v1\nr.example.com/hang2:v1\n",
                                    arguments: ["--overwrite", "-p", "1"], scratch: scratch) { process in
            usleep(1_500_000)
            for child in children(of: process.processIdentifier) { kill(child, SIGSTOP) }
            kill(process.processIdentifier, SIGINT)
            usleep(500_000)
            kill(process.processIdentifier, SIGINT)
        }
        #expect(run.status == 130)
        let left = try FileManager.default.contentsOfDirectory(atPath: run.outputDirectory).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    /// Every image recorded good, then a Ctrl-C while a stopped idle worker holds up the end: not "interrupted".
    @Test func aCtrlCAfterEveryImageIsRecordedIsNotAnInterruption() throws {
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/app1:v1\nr.example.com/slow1:v1\n",
                                    arguments: ["-p", "2", "-c", "1"], environment: ["FAKE_DOCKER_SLOW": "3"]) { process in
            usleep(1_200_000)
            let idle = children(of: process.processIdentifier).first {
                ((try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8)) ?? "").contains("\"index\":1")
            }
            if let idle { kill(idle, SIGSTOP) }
            usleep(4_000_000)
            kill(process.processIdentifier, SIGINT)
        }
        #expect(run.good.count == 2)
        #expect(run.status == 0, "every image is good, yet the status is \(run.status): \(run.stderr)")
    }
}
