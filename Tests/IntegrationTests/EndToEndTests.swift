import Foundation
import Testing

/// verify against real components, brought up by scripts/sandbox.sh (scripts/test.sh does this and
/// sets VERIFY_E2E_ENV): Debian's docker-registry with seeded images, dockerd, and a registry that
/// hangs after the ping.
/// Where scripts/sandbox.sh put the real components.
enum Sandbox {
    /// The sandbox's env file, read once; `nil` when the tests run without it.
    static let environment: [String: String]? = {
        guard let path = ProcessInfo.processInfo.environment["VERIFY_E2E_ENV"],
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }()
}

@Suite(.serialized, .enabled(if: Sandbox.environment != nil, "needs scripts/sandbox.sh up (scripts/test.sh runs it)"))
struct EndToEndTests {
    /// The seeded images and the digests the registry holds for them.
    static func expectedDigests(_ env: [String: String]) throws -> [String: String] {
        let text = try String(contentsOfFile: try #require(env["EXPECTED"]), encoding: .utf8)
        var digests: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            digests[String(fields[0])] = String(fields[1])
        }
        return digests
    }

    /// The sandbox's Docker engine, where it is not the default one.
    static func dockerHost(_ env: [String: String]) -> [String: String] {
        guard let host = env["DOCKER_HOST"], !host.isEmpty else { return [:] }
        return ["DOCKER_HOST": host]
    }

    static func run(_ arguments: [String], environment env: [String: String]) throws -> (status: Int32, stderr: String) {
        try execute(VerifyRun.executable, arguments, environment: dockerHost(env))
    }

    @Test(arguments: engines)
    func reportsExactlyTheExpectedGoodErrorAndTimeoutSetsWithTheRegistrysDigests(_ engine: String) throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["REGISTRY"])
        let hang = try #require(env["HANG_REGISTRY"])
        let digests = try Self.expectedDigests(env)
        #expect(digests.count >= 20)
        let good = digests.keys.sorted().map { "\(registry)/\($0)" }
        let missing = ["\(registry)/team1/app1:v9", "\(registry)/team9/ghost:v1"]
        let broken = "\(registry)/team3/broken:v1"
        let hung = "\(hang)/team1/app1:v1"
        let scratch = VerifyRun.scratch()
        let list = (good + missing + [broken, hung]).joined(separator: "\n") + "\n"
        try list.write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)

        let result = try Self.run([scratch + "/images.txt", "-o", scratch + "/out", "-p", "2", "-c", "4",
                                   "--timeout", "8", "--kill-grace", "2", "--progress-interval", "0"]
                                   + engineArguments(engine), environment: env)
        let run = VerifyRun(status: result.status, stderr: result.stderr, outputDirectory: scratch + "/out", stateDirectory: scratch)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(Set(run.good) == Set(good))
        #expect(run.timeouts == [hung])
        let errors = Dictionary(uniqueKeysWithValues: run.errors.map { ($0.reference, $0.category) })
        #expect(errors == [missing[0]: "not-found", missing[1]: "not-found", broken: "blob-unknown"])
        let records = run.records
        #expect(records.count == good.count + 4)
        for (name, digest) in digests {
            #expect(records["\(registry)/\(name)"]?["digest"] as? String == digest, "\(name)")
        }
        let hungRecord = try #require(records[hung])
        #expect(hungRecord["step"] as? String == "pull")
        #expect((hungRecord["duration_ms"] as? Int ?? 0) >= 8000)
    }

    @Test func removesWhatItPulledUnlessKept() throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["REGISTRY"])
        let scratch = VerifyRun.scratch()
        let reference = "\(registry)/team2/app3:v1"
        try (reference + "\n").write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let kept = try Self.run([scratch + "/images.txt", "-o", scratch + "/kept", "--keep", "--progress-interval", "0"], environment: env)
        #expect(kept.status == 0)
        #expect(try imageIsPresent(reference, env), "--keep leaves the image on the daemon")
        let removed = try Self.run([scratch + "/images.txt", "-o", scratch + "/removed", "--progress-interval", "0"], environment: env)
        #expect(removed.status == 0)
        #expect(try !imageIsPresent(reference, env), "without --keep the pulled image is removed again")
    }

    func imageIsPresent(_ reference: String, _ env: [String: String]) throws -> Bool {
        try execute("/bin/sh", ["-c", "docker image inspect \"$1\" >/dev/null 2>&1", "sh", reference],
                    environment: Self.dockerHost(env)).status == 0
    }
}
