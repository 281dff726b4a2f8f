import Foundation
import Testing

/// The real `verify` binary against the fake docker: every outcome an image can have, as a user
/// reads it in the result files and the exit status.
@Suite(.serialized)
struct PipelineScenarioTests {
    @Test(arguments: engines)
    func goodImagesAreRecordedWithTheirDigestAndRemoved(_ engine: String) throws {
        let list = "r.example.com/team/good-a:v1\nr.example.com/team/good-b@sha256:\(String(repeating: "a", count: 64))\n"
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1"])
        #expect(run.status == 0)
        #expect(Set(run.good) == ["r.example.com/team/good-a:v1", "r.example.com/team/good-b@sha256:\(String(repeating: "a", count: 64))"])
        let record = try #require(run.records["r.example.com/team/good-a:v1"])
        #expect(record["status"] as? String == "good")
        #expect(record["digest"] as? String == (try fakeDigest("r.example.com/team/good-a:v1")))
        #expect(record["worker"] as? Int == 1)
        #expect(run.calls.filter { $0.hasPrefix("rmi ") }.count == 2, "each pulled image is removed again")
        #expect(run.errors.isEmpty && run.timeouts.isEmpty)
        #expect(run.stderr.contains("2 of 2 images verified"))
    }

    @Test(arguments: engines)
    func eachFailureLandsInItsCategory(_ engine: String) throws {
        let expected: [String: String] = [
            "r.example.com/team/notfound:v1": "not-found",
            "r.example.com/team/denied:v1": "unauthorized",
            "r.example.com/team/ratelimited:v1": "rate-limited",
            "r.example.com/team/refused:v1": "network",
            "r.example.com/team/blobgone:v1": "blob-unknown",
            "r.example.com/team/weird:v1": "other",
            "r.example.com/team/nodigest:v1": "other",
        ]
        let run = try VerifyRun.run(engine: engine, list: expected.keys.sorted().joined(separator: "\n"), arguments: ["-p", "2", "-c", "3"])
        #expect(run.status == 1)
        #expect(run.good.isEmpty)
        let found = Dictionary(uniqueKeysWithValues: run.errors.map { ($0.reference, $0.category) })
        #expect(found == expected)
        let notFound = try #require(run.records["r.example.com/team/notfound:v1"])
        #expect(notFound["message"] as? String == "Error response from daemon: manifest for r.example.com/team/notfound:v1 not found: manifest unknown: manifest unknown")
        #expect(notFound["exit_code"] as? Int == 1)
        #expect(notFound["step"] as? String == "pull")
        let noDigest = try #require(run.records["r.example.com/team/nodigest:v1"])
        #expect((noDigest["message"] as? String)?.contains("\"[]\"") == true, "the message quotes what inspect returned")
        #expect(!run.calls.contains { $0.hasPrefix("inspect r.example.com/team/notfound") }, "a failed pull is never inspected")
        #expect(run.stderr.contains("not-found 1"))
    }

    @Test(arguments: engines)
    func aFloodOfOutputIsBoundedAndTheImageIsStillGood(_ engine: String) throws {
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/flood:v1\n", arguments: ["-p", "1"])
        #expect(run.status == 0)
        #expect(run.good == ["r.example.com/team/flood:v1"])
    }

    @Test(arguments: engines)
    func aClientKilledByASignalIsAnErrorThatSaysSo(_ engine: String) throws {
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/selfkill:v1\nr.example.com/team/good:v1\n", arguments: ["-p", "1"])
        #expect(run.status == 1)
        #expect(run.good == ["r.example.com/team/good:v1"])
        let record = try #require(run.records["r.example.com/team/selfkill:v1"])
        #expect(record["status"] as? String == "error")
        #expect(record["signal"] as? Int == 9)
        #expect(record["message"] as? String == "docker pull was killed by signal 9 (Killed)")
    }

    @Test(arguments: engines)
    func aFailedRemovalKeepsTheImageGoodWithACleanupWarning(_ engine: String) throws {
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/rmifail:v1\n", arguments: ["-p", "1"])
        #expect(run.status == 0)
        #expect(run.good == ["r.example.com/team/rmifail:v1"])
        let record = try #require(run.records["r.example.com/team/rmifail:v1"])
        #expect((record["cleanup_warning"] as? String)?.hasPrefix("docker rmi failed: Error response from daemon: conflict") == true)
        #expect(run.stderr.contains("cleanup warnings: 1"))
    }

    @Test(arguments: engines)
    func clientsInheritNoDescriptorButTheirStdio(_ engine: String) throws {
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/fdcheck:v1\n", arguments: ["-p", "1"])
        #expect(run.status == 0)
        let listed = try String(contentsOfFile: run.stateDirectory + "/fds", encoding: .utf8).split(separator: "\n")
        let fds = listed.compactMap { Int($0) }.filter { $0 != 255 }.sorted()  // bash keeps its script on 255
        if engine == "dispatch" {
            // Foundation.Process hands every child one end of a socket pair on purpose: it learns of
            // the exit from that socket's end of file. Nothing else may be there.
            #expect(fds.count == 4 && Array(fds.prefix(3)) == [0, 1, 2], "\(fds)")
        } else {
            #expect(fds == [0, 1, 2], "a descriptor of verify's, or of its parent's, leaked into the client")
        }
    }

    @Test(arguments: engines)
    func keepLeavesImagesInPlace(_ engine: String) throws {
        let run = try VerifyRun.run(engine: engine, list: "r.example.com/team/good:v1\n", arguments: ["-p", "1", "--keep"])
        #expect(run.status == 0)
        #expect(!run.calls.contains { $0.hasPrefix("rmi ") })
    }

    @Test(arguments: engines)
    func invalidLinesAndDuplicatesNeverReachDocker(_ engine: String) throws {
        let list = """
            # migration list
            r.example.com/team/good:v1
            Team/App:v1
            --rm
            r.example.com/team/good:v1

            r.example.com/team/good:v2
            """
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1"])
        #expect(run.status == 1)
        #expect(Set(run.good) == ["r.example.com/team/good:v1", "r.example.com/team/good:v2"])
        #expect(run.errors.map(\.reference) .sorted() == ["--rm", "Team/App:v1"])
        #expect(run.errors.allSatisfy { $0.category == "invalid-reference" })
        #expect(run.errors.contains { $0.message == "line 3: repository name must be lowercase: \"Team/App:v1\"" })
        let invalid = try #require(run.records["--rm"])
        #expect(invalid["line"] as? Int == 4)
        #expect(run.records.count == 4, "one record per unique non-comment line")
        #expect(run.calls.filter { $0.hasPrefix("pull ") }.count == 2, "no duplicate and no invalid line is pulled")
        #expect(run.stderr.contains("line 5 repeats line 2: r.example.com/team/good:v1"))
    }

    @Test(arguments: engines)
    func registryRewritesWhereEveryImageIsPulledFrom(_ engine: String) throws {
        let list = "old.example.com/team/good:v1\nteam/good:v2\nold.example.com:443/team/notfound:v1\n"
        let run = try VerifyRun.run(engine: engine, list: list, arguments: ["-p", "1", "--registry", "127.0.0.1:5000"])
        #expect(run.status == 1)
        let pulls = Set(run.calls.filter { $0.hasPrefix("pull ") }.map { $0.split(separator: " ")[1] })
        #expect(pulls == ["127.0.0.1:5000/team/good:v1", "127.0.0.1:5000/team/good:v2", "127.0.0.1:5000/team/notfound:v1"])
        #expect(Set(run.good) == ["old.example.com/team/good:v1", "team/good:v2"], "results name the list's own lines")
        let record = try #require(run.records["team/good:v2"])
        #expect(record["pulled"] as? String == "127.0.0.1:5000/team/good:v2")
        #expect(record["digest"] as? String == (try fakeDigest("127.0.0.1:5000/team/good:v2")))
    }

    @Test(arguments: engines)
    func theListCanComeFromStandardInput(_ engine: String) throws {
        let scratch = VerifyRun.scratch()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: VerifyRun.executable)
        process.arguments = ["-", "-o", scratch + "/stdin-out", "--docker", VerifyRun.fakeDocker, "--progress-interval", "0", "-p", "1"]
                             + engineArguments(engine)
        process.environment = ProcessInfo.processInfo.environment.merging(["FAKE_DOCKER_STATE": scratch + "/state"]) { $1 }
        let input = Pipe()
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("r.example.com/team/good:v1\n".utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try String(contentsOfFile: scratch + "/stdin-out/good_image.txt", encoding: .utf8) == "r.example.com/team/good:v1\n")
    }
}
