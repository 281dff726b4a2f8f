import Foundation
import Testing

/// `--min-free` on a real, small filesystem: a tmpfs mounted for the test (tests run as root).
@Suite(.serialized)
struct DiskGuardIntegrationTests {
    /// Mounts an 8 MiB tmpfs at `path`; `false` where mounting is not allowed.
    static func mountSmallFilesystem(_ path: String) throws -> Bool {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return try execute("/bin/mount", ["-t", "tmpfs", "-o", "size=8M", "tmpfs", path]).status == 0
    }

    @Test(arguments: [true, false])
    func startsPauseWhileTheDataRootIsFullAndResumeWhenSpaceReturns(_ rootFromDocker: Bool) throws {
        let scratch = VerifyRun.scratch()
        let root = scratch + "/root"
        try #require(try Self.mountSmallFilesystem(root), "mounting a tmpfs needs root")
        defer { _ = try? execute("/bin/umount", ["-l", root]) }
        #expect(FileManager.default.createFile(atPath: root + "/ballast", contents: Data(count: 6 << 20)))
        let arguments = ["--min-free", "4M"] + (rootFromDocker ? [] : ["--data-root", root])
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a:v1\nr.example.com/team/b:v1\n", arguments: arguments,
                                    scratch: scratch, environment: ["FAKE_DOCKER_ROOT": root], limit: 30) { _ in
            let stderr = scratch + "/stderr"
            #expect(eventually(5) { ((try? String(contentsOfFile: stderr, encoding: .utf8)) ?? "").contains("verify: paused: \(root) has") })
            usleep(1_500_000)
            #expect(!FileManager.default.fileExists(atPath: scratch + "/state/calls.log"), "nothing starts while paused")
            try FileManager.default.removeItem(atPath: root + "/ballast")
        }
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("below --min-free 4.0M; starts resume when it recovers"))
        #expect(run.stderr.contains("verify: resumed: \(root) has"))
        #expect(run.good.count == 2)
    }

    @Test func aSignalStillStopsAPausedRun() throws {
        let scratch = VerifyRun.scratch()
        let root = scratch + "/root"
        try #require(try Self.mountSmallFilesystem(root), "mounting a tmpfs needs root")
        defer { _ = try? execute("/bin/umount", ["-l", root]) }
        #expect(FileManager.default.createFile(atPath: root + "/ballast", contents: Data(count: 6 << 20)))
        let run = try VerifyRun.run(engine: "posix", list: "r.example.com/team/a:v1\n", arguments: ["--min-free", "4M", "--data-root", root],
                                    scratch: scratch, limit: 20) { process in
            #expect(eventually(5) { ((try? String(contentsOfFile: scratch + "/stderr", encoding: .utf8)) ?? "").contains("verify: paused") })
            kill(process.processIdentifier, SIGTERM)
        }
        #expect(run.status == 130)
    }
}
