import Foundation
import Testing

/// Standard output belongs to whatever the user pipes it into: a run prints nothing there, and
/// only `--help` does.
struct StandardOutputTests {
    @Test(arguments: [("r.example.com/team/good:v1\n", Int32(0)), ("r.example.com/team/notfound:v1\n", Int32(1))])
    func aRunPrintsNothingOnStandardOutput(_ list: String, _ status: Int32) throws {
        let scratch = VerifyRun.scratch()
        try list.write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let result = try Self.standardOutput(of: [scratch + "/images.txt", "-o", scratch + "/out", "--docker", VerifyRun.fakeDocker,
                                                  "--progress-interval", "0"],
                                             environment: ["FAKE_DOCKER_STATE": scratch + "/state"])
        #expect(result.status == status)
        #expect(result.stdout == "")
    }

    @Test func helpIsPrintedOnStandardOutputWithStatusZero() throws {
        let result = try Self.standardOutput(of: ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: verify"))
        #expect(result.stdout.contains("check (default)"), "the subcommands, check the default")
        let check = try Self.standardOutput(of: ["check", "--help"])
        #expect(check.status == 0)
        #expect(check.stdout.contains("--registry") && check.stdout.contains("--client"))
    }

    /// Runs verify with `arguments` and reads its standard output to the end.
    private static func standardOutput(of arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: VerifyRun.executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}
