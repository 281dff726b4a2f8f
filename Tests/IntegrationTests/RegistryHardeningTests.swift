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
        let path = VerifyRun.fixtures.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try RegistryClientRun.run(lines.joined(separator: "\n") + "\n", in: scratch,
                                               arguments: ["--depth", "manifest", "--retries", "0", "--progress", "none", "-p", "1", "-c", "100", "-t", "20"],
                                               environment: ["PATH": path, "FAKE_HELPER_DELAY": "0.5",
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

extension RegistryHardeningTests {
    /// A registry that echoes the request in its errors, `Authorization: Basic` included: the
    /// credentials are cut out of the record and every result file, in every form.
    @Test func credentialsEchoedByTheRegistryNeverReachTheResults() throws {
        let server = try FixtureServer.hostile("echo")
        let registry = "127.0.0.1:\(server.port)"
        let password = "PLANTED-echo-pass"
        let scratch = VerifyRun.scratch()
        try RegistryClientTests.writeConfig(scratch, [registry: ("echo-user", password)])
        let result = try RegistryClientRun.run("\(registry)/team/app:v1\n", in: scratch, arguments: ["--retries", "0", "--progress", "plain", "-t", "20"])
        #expect(result.status == 1)
        let records = try String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8)
        #expect(records.contains("not-found") && records.contains("<redacted>"), "\(records)")
        let encoded = Data("echo-user:\(password)".utf8).base64EncodedString()
        for name in ["results.jsonl", "error_image.txt", "good_image.txt", "timeout_image.txt", "run.json"] {
            let text = (try? String(contentsOfFile: scratch + "/out/" + name, encoding: .utf8)) ?? ""
            #expect(!text.contains(password) && !text.contains(encoded.prefix(16)), "\(name): \(text)")
        }
        #expect(!result.stderr.contains(password) && !result.stderr.contains(encoded.prefix(16)))
    }
}

extension RegistryHardeningTests {
    /// A registry (or its token service) that answers with something that is no HTTP at all is
    /// not a network failure: the image is `other`, says what answered, and is not retried.
    @Test(arguments: ["garbage", "garbage-token"])
    func aPingOrTokenAnswerThatIsNoHTTPIsNoNetworkFailure(_ mode: String) throws {
        let server = try FixtureServer.hostile(mode)
        let registry = "127.0.0.1:\(server.port)"
        let scratch = VerifyRun.scratch()
        let result = try RegistryClientRun.run("\(registry)/team/app:v1\n", in: scratch,
                                               arguments: ["--retries", "2", "--retry-delay", "0.1", "--progress", "none", "-t", "20"])
        #expect(result.status == 1, "\(result.stderr)")
        let records = try String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(records.utf8)) as? [String: Any])
        #expect(record["category"] as? String == "other", "\(records)")
        #expect(record["attempts"] as? Int == 1, "not retried: \(records)")
        let expected = mode == "garbage" ? "\(registry) answered GET /v2/ with something verify cannot use as an HTTP response: "
            : "the token service http://\(registry)/token answered with something verify cannot use as an HTTP response: "
        #expect((record["message"] as? String ?? "").hasPrefix(expected), "\(records)")
    }
}

/// A token service that answers a byte a second: the token request is given up after the image
/// timeout (at most 30 s), and the images of that repository fail with it (one token scope), instead
/// of each waiting its whole timeout behind a request nothing ends.
struct RegistryAuthLimitTests {
    @Test func aTokenServiceThatTricklesFailsTheImagesInsteadOfHoldingThem() throws {
        let registry = try FixtureServer.hostile("trickle-token")
        let scratch = VerifyRun.scratch()
        let list = (1...6).map { "127.0.0.1:\(registry.port)/team/app:v\($0)" }.joined(separator: "\n") + "\n"
        let started = Date()
        let result = try RegistryClientRun.run(list, in: scratch, arguments: ["--retries", "0", "--progress", "none", "-p", "1", "-c", "1", "-t", "3"])
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(started) < 12, "not six timeouts of 3 s each")
        let errors = ((try? String(contentsOfFile: scratch + "/out/error_image.txt", encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(errors.count >= 5, "\(errors)")
        #expect(errors.allSatisfy { $0.contains("\tnetwork\t") && $0.contains("no answer within 3 s") }, "\(errors)")
    }
}

/// An image that times out while it waits behind authentication says so: its timeout names the
/// ping it waited for, not only its own request, which never went out.
struct RegistryTimeoutMessageTests {
    @Test func aTimeoutBehindThePingNamesThePing() throws {
        let registry = try FixtureServer.hostile("hang")
        let scratch = VerifyRun.scratch()
        let result = try RegistryClientRun.run("127.0.0.1:\(registry.port)/team/app:v1\n", in: scratch, arguments: ["--retries", "0", "--progress", "none", "-t", "2"])
        #expect(result.status == 1)
        let records = try String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8)
        #expect(records.contains("no result within 2 s; waiting for the ping of 127.0.0.1:\(registry.port) (GET /v2/), before GET /v2/team/app/manifests/v1"),
                "\(records)")
    }
}
