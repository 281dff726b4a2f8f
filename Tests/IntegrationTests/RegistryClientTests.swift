import Foundation
import Testing

/// `--client registry` against the sandbox's real registries (scripts/sandbox.sh): the plain
/// registry with its planted defects at every depth, the htpasswd registry (Basic), and the Bearer
/// token front, with credentials from a docker config.json, and never a secret in any output.
@Suite(.serialized, .enabled(if: Sandbox.environment != nil, "needs scripts/sandbox.sh up (scripts/test.sh runs it)"))
struct RegistryClientTests {
    /// One line of registry-expectations.tsv: an image and what each depth finds.
    struct Expectation {
        let reference: String
        let digest: String?
        let byDepth: [String: String]
        /// What a linux/amd64 `docker pull` gives.
        let docker: String
        let isPrivate: Bool
    }

    static func expectations(_ env: [String: String]) throws -> [Expectation] {
        let text = try String(contentsOfFile: try #require(env["REGISTRY_EXPECTED"]), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t").map(String.init)
            return Expectation(reference: fields[0], digest: fields[1] == "-" ? nil : fields[1],
                               byDepth: ["manifest": fields[2], "blobs": fields[3], "content": fields[4]], docker: fields[5], isPrivate: fields[6] == "private")
        }
    }

    /// Runs verify with the registry client on every expected image behind `registry`.
    static func run(_ env: [String: String], registry: String, arguments: [String], environment: [String: String] = [:]) throws
        -> (status: Int32, stderr: String, records: [String: [String: Any]], scratch: String) {
        let scratch = VerifyRun.scratch()
        let list = try expectations(env).map { "\(registry)/\($0.reference)" }.joined(separator: "\n") + "\n"
        try list.write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let result = try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--client", "registry", "--insecure",
                                                        "--retries", "0", "--progress", "none", "-p", "2", "-c", "8"] + arguments,
                                 environment: ["DOCKER_CONFIG": scratch + "/docker"].merging(environment) { $1 })
        var records: [String: [String: Any]] = [:]
        let lines = ((try? String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8)) ?? "").split(separator: "\n")
        for line in lines {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            records[try #require(record["reference"] as? String)] = record
        }
        return (result.status, result.stderr, records, scratch)
    }

    /// What a record says: `good`, or its category.
    static func outcome(_ record: [String: Any]?) -> String {
        guard let record else { return "no record" }
        return record["status"] as? String == "good" ? "good" : (record["category"] as? String ?? "?")
    }

    @Test(arguments: ["manifest", "blobs", "content"])
    func everyPlantedDefectIsFoundAtTheDepthsThatCanSeeIt(_ depth: String) throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["REGISTRY"])
        let run = try Self.run(env, registry: registry, arguments: ["--depth", depth])
        #expect(run.status == 1, "\(run.stderr)")
        for expected in try Self.expectations(env) {
            let record = run.records["\(registry)/\(expected.reference)"]
            #expect(Self.outcome(record) == expected.byDepth[depth], "\(expected.reference) at --depth \(depth): \(record?["message"] ?? "")")
            if let digest = expected.digest, Self.outcome(record) == "good" {
                #expect(record?["digest"] as? String == digest, "\(expected.reference): the index's digest, as docker's RepoDigests shows it")
            }
        }
        let good = try #require(run.records["\(registry)/multi/app:v2"])
        let platforms = try #require(good["platforms"] as? [[String: Any]])
        #expect(platforms.compactMap { $0["platform"] as? String } == ["linux/amd64", "linux/arm64/v8"],
                "both platforms checked, the attestation entry left out")
        if depth != "manifest" { #expect((good["blobs_checked"] as? Int ?? 0) >= 4) }
        #expect(run.stderr.contains("registry: "), "the summary counts requests and bytes")
    }

    @Test func aPlatformFilterChecksOnlyThatPlatform() throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["REGISTRY"])
        let run = try Self.run(env, registry: registry, arguments: ["--platform", "linux/amd64"])
        #expect(Self.outcome(run.records["\(registry)/defects/deleted-child-layer:v1"]) == "good", "only arm64 lost a layer")
        #expect(Self.outcome(run.records["\(registry)/defects/deleted-child:v1"]) == "good", "only arm64's manifest is gone")
        #expect(Self.outcome(run.records["\(registry)/defects/deleted-child-amd64:v1"]) == "not-found")
    }

    static func writeConfig(_ scratch: String, _ auths: [String: (String, String)]) throws {
        try FileManager.default.createDirectory(atPath: scratch + "/docker", withIntermediateDirectories: true)
        let entries = auths.mapValues { ["auth": Data("\($0.0):\($0.1)".utf8).base64EncodedString()] }
        try JSONSerialization.data(withJSONObject: ["auths": entries]).write(to: URL(fileURLWithPath: scratch + "/docker/config.json"))
    }

    /// Basic (htpasswd) and Bearer (the token front) with credentials from config.json, and
    /// anonymously; no password or token is ever written anywhere.
    @Test(arguments: ["BASIC", "TOKEN"])
    func credentialsFromDockersConfigOpenBasicAndBearerRegistries(_ kind: String) throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["\(kind)_REGISTRY"])
        let user = try #require(env["\(kind)_USER"])
        let password = try #require(env["\(kind)_PASSWORD"])
        let scratch = VerifyRun.scratch()
        try Self.writeConfig(scratch, [registry: (user, password)])
        let run = try Self.run(env, registry: registry, arguments: [], environment: ["DOCKER_CONFIG": scratch + "/docker"])
        for expected in try Self.expectations(env) {
            let record = run.records["\(registry)/\(expected.reference)"]
            #expect(Self.outcome(record) == expected.byDepth["blobs"], "\(expected.reference) behind \(kind): \(record?["message"] ?? "")")
        }
        let anonymous = try Self.run(env, registry: registry, arguments: [])
        for expected in try Self.expectations(env) where kind == "BASIC" || expected.isPrivate {
            let record = anonymous.records["\(registry)/\(expected.reference)"]
            #expect(Self.outcome(record) == "unauthorized", "\(expected.reference) anonymously behind \(kind)")
        }
        for output in [run.scratch, anonymous.scratch] {
            for name in ["results.jsonl", "error_image.txt", "good_image.txt", "timeout_image.txt", "run.json"] {
                let text = (try? String(contentsOfFile: output + "/out/" + name, encoding: .utf8)) ?? ""
                #expect(!text.contains(password), "\(name) holds the password")
                #expect(!text.contains(Data("\(user):\(password)".utf8).base64EncodedString()), "\(name) holds the Basic credentials")
            }
        }
        #expect(!run.stderr.contains(password) && !anonymous.stderr.contains(password))
    }

    /// Credentials from a credential helper (credHelpers), run without a shell with the registry's
    /// address on its standard input; a helper without credentials leaves the image anonymous.
    @Test func aCredentialHelperIsRunForItsRegistry() throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["TOKEN_REGISTRY"])
        let secret = try #require(env["TOKEN_PASSWORD"])
        let scratch = VerifyRun.scratch()
        try FileManager.default.createDirectory(atPath: scratch + "/docker", withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: ["credHelpers": [registry: "sandbox"]])
            .write(to: URL(fileURLWithPath: scratch + "/docker/config.json"))
        let path = VerifyRun.fixtures.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try Self.run(env, registry: registry, arguments: ["--depth", "manifest"],
                               environment: ["DOCKER_CONFIG": scratch + "/docker", "PATH": path, "FAKE_HELPER_LOG": scratch + "/helper.log",
                                             "FAKE_HELPER_HOST": registry, "FAKE_HELPER_USER": try #require(env["TOKEN_USER"]),
                                             "FAKE_HELPER_SECRET": secret])
        for expected in try Self.expectations(env) {
            #expect(Self.outcome(run.records["\(registry)/\(expected.reference)"]) == expected.byDepth["manifest"], "\(expected.reference)")
        }
        let asked = try String(contentsOfFile: scratch + "/helper.log", encoding: .utf8).split(separator: "\n")
        #expect(!asked.isEmpty && asked.allSatisfy { $0 == registry }, "the address on stdin, once per worker: \(asked)")
        #expect(asked.count <= 2)
        let records = try String(contentsOfFile: run.scratch + "/out/results.jsonl", encoding: .utf8)
        #expect(!records.contains(secret) && !run.stderr.contains(secret))
    }

    /// Tokens that expire during the run are fetched again, and no image fails for it.
    @Test func expiringTokensAreRenewedMidRun() throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["TOKEN_REGISTRY"])
        let config = try #require(env["TOKEN_CONFIG"])
        _ = try execute("/usr/bin/curl", ["-fsS", "-X", "POST", "\(config)?expires_in=1"])
        defer { _ = try? execute("/usr/bin/curl", ["-fsS", "-X", "POST", "\(config)?expires_in=\(env["TOKEN_LIFETIME"] ?? "30")"]) }
        let scratch = VerifyRun.scratch()
        try Self.writeConfig(scratch, [registry: (try #require(env["TOKEN_USER"]), try #require(env["TOKEN_PASSWORD"]))])
        let before = try Self.stats(env)
        let run = try Self.run(env, registry: registry, arguments: ["--depth", "content", "-p", "1", "-c", "1"],
                               environment: ["DOCKER_CONFIG": scratch + "/docker"])
        let after = try Self.stats(env)
        for expected in try Self.expectations(env) {
            #expect(Self.outcome(run.records["\(registry)/\(expected.reference)"]) == expected.byDepth["content"], "\(expected.reference)")
        }
        let repositories = Set(try Self.expectations(env).map { $0.reference.split(whereSeparator: { $0 == ":" || $0 == "@" })[0] })
        #expect(after - before > repositories.count,
                "more tokens than scopes (\(repositories.count)): the short-lived ones were renewed (\(after - before))")
    }

    /// How many tokens the token front has issued.
    static func stats(_ env: [String: String]) throws -> Int {
        let url = try #require(env["TOKEN_STATS"])
        return try #require(try frontStats(url)["tokens_issued"] as? Int)
    }

    /// A token front's counters (its GET /stats).
    static func frontStats(_ url: String) throws -> [String: Any] {
        let file = VerifyRun.scratch() + "/stats.json"
        _ = try execute("/usr/bin/curl", ["-fsS", "-o", file, url])
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A token front of the test's own before the sandbox's registry, with a pull `quota` as
    /// Docker Hub states one (`N;w=SECONDS`, on manifest GETs).
    static func quotaFront(_ env: [String: String], _ quota: String) throws -> FixtureServer {
        let upstream = try #require(env["REGISTRY"])
        return try FixtureServer(script: VerifyRun.scripts.appendingPathComponent("token-registry.py").path,
                                 ["--port", "0", "--upstream", upstream, "--user", "u", "--password", "p", "--quota", quota])
    }

    /// A registry that states a pull quota as Docker Hub does (a token front of this test's own,
    /// 4 manifest GETs in any 2 s) and a list of single-manifest images that would spend it
    /// several times over: starts are paced to what the quota says remains, so no request meets a
    /// 429, every image gets its own outcome, and the run says it was paced.
    @Test func startsArePacedToTheRegistrysPullQuota() throws {
        let env = try #require(Sandbox.environment)
        let front = try Self.quotaFront(env, "4;w=2")
        let registry = "127.0.0.1:\(front.port)"
        let single = ["single/oci:v1", "single/docker:v1", "shared/one:v1", "shared/one:v2", "shared/two:v1", "defects/corrupt-layer:v1",
                      "defects/corrupt-config:v1", "defects/never-pushed:v1", "defects/deleted-manifest:v1", "defects/deleted-layer:v1",
                      "defects/deleted-config:v1"]
        let expected = try Self.expectations(env).filter { single.contains($0.reference) }
        try #require(expected.count == single.count)
        let scratch = VerifyRun.scratch()
        let run = try RegistryClientRun.run(single.map { "\(registry)/\($0)\n" }.joined(), in: scratch,
                                            arguments: ["--retries", "0", "--progress", "none", "-p", "1", "-c", "2"])
        let records = try String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8)
        #expect(run.status == 1, "\(run.stderr)\n\(records)")
        for image in expected {
            let line = records.split(separator: "\n").first { $0.contains("\"reference\":\"\(registry)/\(image.reference)\"") }
            let record = try line.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(Self.outcome(record) == image.byDepth["blobs"], "\(image.reference): \(record?["message"] ?? "")")
        }
        #expect(try Self.frontStats("http://\(registry)/stats")["quota_refused"] as? Int == 0, "no manifest GET went past the quota")
        #expect(run.stderr.contains("will not last the images still to verify; starts are paced to it"), "\(run.stderr)")
        #expect(run.stderr.contains("start rate: paced to the registry's pull quota (4 pulls per 2 s;"), "\(run.stderr)")
    }

    /// A quota already spent: the first answer is a 429 that states it (RateLimit-Remaining 0), and
    /// the image waits for its retry. The pace it sets is said at once, in the progress and in the
    /// summary, although no image has a record yet (interrupted before the pace lets one start).
    @Test func aPaceSetByARetriedRateLimitedAnswerIsSaidAsItHappens() throws {
        let env = try #require(Sandbox.environment)
        let front = try Self.quotaFront(env, "0;w=600")
        let registry = "127.0.0.1:\(front.port)"
        let scratch = VerifyRun.scratch()
        let list = "\(registry)/single/oci:v1\n\(registry)/single/docker:v1\n"
        let run = try VerifyRun.run(engine: "uv", list: list, arguments: ["--client", "registry", "--insecure", "--retries", "1",
                                                                          "--retry-delay", "0.01", "-p", "1", "-c", "1"],
                                    scratch: scratch, environment: ["DOCKER_CONFIG": scratch + "/docker"]) { process in
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, (try? Self.frontStats("http://\(registry)/stats")["quota_refused"] as? Int) ?? 0 < 1 { usleep(50_000) }
            usleep(500_000)
            kill(process.processIdentifier, SIGINT)
        }
        #expect(run.status == 130, "\(run.stderr)")
        #expect(run.lines("results.jsonl").isEmpty, "the retry waits a whole window")
        #expect(run.stderr.contains("the registry's pull quota (0 of 0 pulls left) will not last the images still to verify; starts are paced to it"),
                "\(run.stderr)")
        #expect(run.stderr.contains("start rate: paced to the registry's pull quota (0 pulls per 600 s; 0 left at the end)"), "\(run.stderr)")
        // The refused attempt's request, and the connection it opened, are in the summary though
        // nothing is recorded.
        #expect(run.stderr.contains("  registry: 1 request on 1 connection, "), "\(run.stderr)")
    }

    /// HTTPS with a certificate from a CA of the sandbox's: trusted with --ca-cert; refused without
    /// it (a network error in curl's words); accepted unverified with --insecure.
    @Test func aRegistryOverTLSIsTrustedWithItsCA() throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["TLS_REGISTRY"])
        let ca = try #require(env["TLS_CA"])
        let scratch = VerifyRun.scratch()
        try "\(registry)/single/oci:v1\n\(registry)/multi/app:v1\n".write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let common = [scratch + "/images.txt", "--client", "registry", "--retries", "0", "--progress", "none", "--overwrite"]
        let trusted = try execute(VerifyRun.executable, common + ["-o", scratch + "/trusted", "--ca-cert", ca])
        #expect(trusted.status == 0, "\(trusted.stderr)")
        let untrusted = try execute(VerifyRun.executable, common + ["-o", scratch + "/untrusted"])
        #expect(untrusted.status == 1)
        let errors = try String(contentsOfFile: scratch + "/untrusted/error_image.txt", encoding: .utf8)
        #expect(errors.split(separator: "\n").count == 2)
        #expect(errors.contains("\tnetwork\t") && errors.contains("SSL certificate problem"), "\(errors)")
        let insecure = try execute(VerifyRun.executable, common + ["-o", scratch + "/insecure", "--insecure"])
        #expect(insecure.status == 0, "\(insecure.stderr)")
    }

    /// A registry that answers the ping and then never answers: each image is a timeout at its
    /// own time, naming the request it waited for, and the run ends.
    @Test func aRegistryThatHangsGivesTimeouts() throws {
        let env = try #require(Sandbox.environment)
        let hang = try #require(env["HANG_REGISTRY"])
        let scratch = VerifyRun.scratch()
        try "\(hang)/team1/app1:v1\n\(hang)/team1/app2:v1\n".write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let started = Date()
        let result = try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--client", "registry", "--insecure",
                                                        "-t", "2", "--retries", "0", "--progress", "none"])
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(started) < 30)
        let timeouts = try String(contentsOfFile: scratch + "/out/timeout_image.txt", encoding: .utf8)
        #expect(timeouts == "\(hang)/team1/app1:v1\n\(hang)/team1/app2:v1\n" || timeouts == "\(hang)/team1/app2:v1\n\(hang)/team1/app1:v1\n")
        let records = try String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8)
        #expect(records.contains("no result within 2 s; waiting for GET /v2/team1/app1/manifests/v1"))
    }

    /// The registry client and `docker pull` agree on the digest of every image both call good.
    @Test func theRegistryClientRecordsTheDigestDockerReports() throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["REGISTRY"])
        let viaRegistry = try Self.run(env, registry: registry, arguments: [])
        let scratch = VerifyRun.scratch()
        let good = try Self.expectations(env).filter { $0.byDepth["blobs"] == "good" && $0.docker == "good" && !$0.reference.contains("@") }
        try (good.map { "\(registry)/\($0.reference)" }.joined(separator: "\n") + "\n").write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let docker = try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--progress", "none", "-p", "1", "-c", "2"],
                                 environment: EndToEndTests.dockerHost(env))
        #expect(docker.status == 0, "\(docker.stderr)")
        let records = ((try? String(contentsOfFile: scratch + "/out/results.jsonl", encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(records.count == good.count)
        for line in records {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let reference = try #require(record["reference"] as? String)
            #expect(record["digest"] as? String == viaRegistry.records[reference]?["digest"] as? String, "\(reference)")
        }
    }
}
