import Foundation
import Testing

/// `--client registry` where things go wrong: credential helpers among many images, and the
/// worker's own processes.
@Suite(.serialized, .enabled(if: Sandbox.environment != nil, "needs scripts/sandbox.sh up (scripts/test.sh runs it)"))
struct RegistryHardeningTests {
    /// A credential helper that takes half a second answers while hundreds of other images
    /// finish on the same worker: the worker's sweep for orphans must leave the helper to libuv
    /// (reaping it there lost its exit, and every image of the registry waited for ever).
    @Test func aSlowCredentialHelperAnswersWhileOtherImagesFinish() throws {
        let env = try #require(Sandbox.environment)
        let plain = try #require(env["REGISTRY"])
        let registry = try #require(env["TOKEN_REGISTRY"])
        let expectations = try RegistryClientTests.expectations(env).filter { !$0.reference.contains("@") }
        let scratch = VerifyRun.scratch()
        try FileManager.default.createDirectory(atPath: scratch + "/docker", withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: ["credHelpers": [registry: "sandbox"]])
            .write(to: URL(fileURLWithPath: scratch + "/docker/config.json"))
        var lines: [String] = []
        for number in 0..<600 {
            lines.append("\(plain)/multi/app:absent\(number)")
            if number % 50 == 25 { lines.append("\(registry)/\(expectations[(number / 50) % expectations.count].reference)") }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let path = VerifyRun.fixtures.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--client", "registry", "--insecure",
                                                        "--depth", "manifest", "--retries", "0", "--progress", "none", "-p", "1", "-c", "100",
                                                        "-t", "20"],
                                 environment: ["DOCKER_CONFIG": scratch + "/docker", "PATH": path, "FAKE_HELPER_DELAY": "0.5",
                                               "FAKE_HELPER_HOST": registry, "FAKE_HELPER_USER": try #require(env["TOKEN_USER"]),
                                               "FAKE_HELPER_SECRET": try #require(env["TOKEN_PASSWORD"])])
        #expect(result.status == 1, "\(result.stderr)")
        let records = try String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let behindHelper = records.filter { ($0["reference"] as? String)?.hasPrefix(registry + "/") == true }
        #expect(behindHelper.count == lines.count - 600)
        for record in behindHelper {
            let reference = try #require(record["reference"] as? String)
            let expected = try #require(expectations.first { "\(registry)/\($0.reference)" == reference })
            #expect(RegistryClientTests.outcome(record) == expected.byDepth["manifest"], "\(reference): \(record["message"] ?? "")")
        }
    }
}

