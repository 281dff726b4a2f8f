import Foundation
import Testing

/// Problems with the input or the environment: one clear line, exit status 2, nothing lost.
@Suite(.serialized)
struct EnvironmentErrorTests {
    @Test(arguments: engines)
    func anUnreachableDaemonIsOneErrorNotOnePerImage(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        #expect(FileManager.default.createFile(atPath: scratch + "/state/daemon-down", contents: nil))
        let list = (1...20).map { "r.example.com/team/good-\($0):v1" }.joined(separator: "\n")
        let run = try VerifyRun.run(engine: engine, list: list, scratch: scratch)
        #expect(run.status == 2)
        #expect(run.stderr == "verify: error: the Docker daemon is not reachable, so no image can be verified: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")
        #expect(run.lines("results.jsonl").isEmpty)
        #expect(!run.calls.contains { $0.hasPrefix("pull") })
    }

    /// A list with no line to verify needs no daemon, however long it is: more invalid lines than
    /// the planner holds before the run starts (1,000, checked after each 4,096 lines) used to make
    /// it ask the daemon first, and stop with exit 2 and nothing recorded.
    @Test func aLongListOfOnlyInvalidLinesIsRecordedWithTheDaemonDown() throws {
        let scratch = VerifyRun.scratch()
        #expect(FileManager.default.createFile(atPath: scratch + "/state/daemon-down", contents: nil))
        let list = (1...5_000).map { "r.example.com/Team/App-\($0):v1" }.joined(separator: "\n") + "\n"
        let run = try VerifyRun.run(engine: "posix", list: list, scratch: scratch)
        #expect(run.status == 1, "\(run.stderr.prefix(500))")
        #expect(run.lines("results.jsonl").count == 5_000)
        #expect(run.lines("error_image.txt").count == 5_000)
        #expect(!run.stderr.contains("daemon"), "\(run.stderr.prefix(500))")
    }

    @Test(arguments: engines)
    func aDaemonThatGoesAwayMidRunStopsTheRun(_ engine: String) throws {
        let list = "r.example.com/team/good:v1\nr.example.com/team/daemondown:v1\n" + (1...20).map { "r.example.com/team/good-\($0):v1" }.joined(separator: "\n")
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "-c", "1"])
        #expect(run.status == 2)
        #expect(run.good == ["r.example.com/team/good:v1"], "what was verified before stays recorded")
        #expect(run.errors.isEmpty, "no wall of daemon-unavailable errors")
        #expect(run.stderr.contains("verify: error: the Docker daemon is not reachable"))
    }

    @Test(arguments: engines)
    func aMissingClientIsAnError(_ engine: String) throws {
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/good:v1\n", arguments: ["--docker", "/nonexistent/docker"])
        #expect(run.status == 2)
        #expect(run.stderr == "verify: error: container client \"/nonexistent/docker\" not found; install docker or pass --docker PATH\n")
    }

    @Test func anUnreadableListIsAnError() throws {
        let result = try execute(VerifyRun.executable, ["/nonexistent/images.txt", "-o", VerifyRun.scratch()])
        #expect(result.status == 2)
        #expect(result.stderr == "verify: error: cannot read the image list /nonexistent/images.txt: No such file or directory\n")
    }

    @Test(arguments: engines)
    func earlierResultsAreNeverOverwrittenByAccident(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        let first = try VerifyRun.run(engine: engine, list: "r.example.com/team/good:v1\n", scratch: scratch)
        #expect(first.status == 0)
        let second = try VerifyRun.run(engine: engine, list: "r.example.com/team/notfound:v1\n", scratch: scratch)
        #expect(second.status == 2)
        #expect(second.stderr.contains("already holds results"))
        #expect(second.good == ["r.example.com/team/good:v1"])
        let third = try VerifyRun.run(engine: engine, list: "r.example.com/team/notfound:v1\n", arguments: ["--overwrite"], scratch: scratch)
        #expect(third.status == 1)
        #expect(third.good.isEmpty)
        #expect(third.errors.map(\.reference) == ["r.example.com/team/notfound:v1"])
    }

    @Test(arguments: engines)
    func aFileLimitTooLowForTheWindowIsAnError(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        try "r.example.com/team/good:v1\n".write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let result = try execute("/bin/bash", ["-c", "ulimit -n 64 && exec \"$0\" \"$@\"", VerifyRun.executable, scratch + "/images.txt",
                                               "-o", scratch + "/out", "--docker", VerifyRun.fakeDocker, "-c", "100", "-p", "1"]
                                               + engineArguments(engine),
                                 environment: ["FAKE_DOCKER_STATE": scratch + "/state"])
        #expect(result.status == 2)
        #expect(result.stderr == "verify: error: this concurrency needs about 666 open files, but the hard limit (ulimit -Hn) is 64; lower --concurrency or raise the limit\n")
    }

    @Test(arguments: engines)
    func aSoftFileLimitIsRaisedToWhatTheWindowNeeds(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        let list = (1...30).map { "r.example.com/team/slow-\($0):v1" }.joined(separator: "\n")
        try list.write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let result = try execute("/bin/bash", ["-c", "ulimit -Sn 64 && exec \"$0\" \"$@\"", VerifyRun.executable, scratch + "/images.txt",
                                               "-o", scratch + "/out", "--docker", VerifyRun.fakeDocker, "-c", "30", "-p", "1",
                                               "--progress-interval", "0"] + engineArguments(engine),
                                 environment: ["FAKE_DOCKER_STATE": scratch + "/state", "FAKE_DOCKER_SLOW": "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let good = try String(contentsOfFile: scratch + "/out/good_image.txt", encoding: .utf8)
        #expect(good.split(separator: "\n").count == 30)
    }

    @Test(arguments: [
        (["--engine", "threads"], "verify: error: The value 'threads' is invalid for '--engine <engine>'. Please provide one of 'uv' and 'dispatch'. (see verify --help)\n"),
        (["--concurrency", "0"], "verify: error: --concurrency: must be from 1 to 10000, not 0 (see verify --help)\n"),
        (["--timeout=-3"], "verify: error: --timeout: must be from 0.001 to 604800 seconds, not -3 (see verify --help)\n"),
        (["--registry", "http://new.example.com"], "verify: error: --registry: \"http://new.example.com\" is not a registry address (expected HOST or HOST:PORT, like registry.example.com:5000) (see verify --help)\n"),
        (["--processes", "many"], "verify: error: The value 'many' is invalid for '--processes <processes>' (see verify --help)\n"),
    ])
    func badOptionsAreOneLineAndExit2(_ arguments: [String], _ message: String) throws {
        let run = try VerifyRun.run(engine: "uv", list: "r.example.com/team/good:v1\n", arguments: arguments)
        #expect(run.status == 2)
        #expect(run.stderr == message)
    }
}
