import Foundation
import Testing

/// `--max-connections` and HTTP/2 multiplexing against the sandbox's registries, as the summary's
/// registry line shows them (`registry: 70 requests (70 over HTTP/2) on 1 connection, …`).
///
/// The list is the sandbox's images that are good at every depth, 12 of them, all in flight at
/// once (`-p 1 -c 16`). Images that fail would not do: the requests a failed image still has in
/// flight are cancelled, curl closes an HTTP/1.1 connection whose transfer it cancels, and the
/// next request opens a new one, counted again (a list with the planted defects gave 3 or 4
/// connections under `--max-connections 2`). Without failures no connection closes during a run.
@Suite(.serialized, .enabled(if: Sandbox.environment != nil, "needs scripts/sandbox.sh up (scripts/test.sh runs it)"))
struct RegistryConnectionTests {
    /// The numbers of the summary's registry line.
    struct RegistryLine: Equatable {
        let requests: Int
        let overHTTP2: Int
        let connections: Int
    }

    /// The registry line of `stderr`, if it has one that reads.
    static func registryLine(_ stderr: String) throws -> RegistryLine? {
        let pattern = try Regex(#"registry: (\d+) requests(?: \((\d+) over HTTP/2\))? on (\d+) connections?, "#)
        guard let match = try pattern.firstMatch(in: stderr) else { return nil }
        let number = { (index: Int) in match.output[index].substring.flatMap { Int($0) } }
        guard let requests = number(1), let connections = number(3) else { return nil }
        return RegistryLine(requests: requests, overHTTP2: number(2) ?? 0, connections: connections)
    }

    /// Checks the images good at every depth behind `registry` with one worker and 16 images at
    /// a time; the summary's registry line.
    static func run(registry: String, _ arguments: [String]) throws -> RegistryLine {
        let env = try #require(Sandbox.environment)
        let images = try RegistryClientTests.expectations(env).filter { $0.byDepth.values.allSatisfy { $0 == "good" } }
        #expect(images.count >= 10)
        let scratch = VerifyRun.scratch()
        try images.map { "\(registry)/\($0.reference)\n" }.joined().write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let result = try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--client", "registry",
                                                        "--retries", "0", "--progress", "none", "-p", "1", "-c", "16"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try registryLine(result.stderr), "\(result.stderr)")
    }

    /// The TLS registry offers HTTP/2 (ALPN): every answer comes over it, and all the requests of
    /// the worker share the connection its ping opened. Measured: 1 connection for 69 to 71
    /// requests, every run; with multiplexing off, 8 (the cap), so the bound here is not loose.
    @Test(arguments: ["blobs", "content"])
    func overHTTP2TheRequestsShareOneConnection(_ depth: String) throws {
        let env = try #require(Sandbox.environment)
        let line = try Self.run(registry: try #require(env["TLS_REGISTRY"]), ["--ca-cert", try #require(env["TLS_CA"]), "--depth", depth])
        #expect(line.requests > 50)
        #expect(line.overHTTP2 == line.requests, "\(line)")
        #expect(line.connections >= 1 && line.connections <= 2, "\(line)")
    }

    /// The plain registry speaks HTTP/1.1 only: one request a connection at a time, so 16 images
    /// at once open as many connections as `--max-connections` lets them. Measured: exactly 2
    /// under `--max-connections 2` and exactly 8 under 8, every run.
    @Test(arguments: ["blobs", "content"])
    func overHTTP1MaxConnectionsCapsTheConnections(_ depth: String) throws {
        let env = try #require(Sandbox.environment)
        let registry = try #require(env["REGISTRY"])
        let capped = try Self.run(registry: registry, ["--insecure", "--depth", depth, "--max-connections", "2"])
        #expect(capped.overHTTP2 == 0, "\(capped)")
        #expect(capped.connections >= 1 && capped.connections <= 2, "\(capped)")
        let wider = try Self.run(registry: registry, ["--insecure", "--depth", depth, "--max-connections", "8"])
        #expect(wider.overHTTP2 == 0, "\(wider)")
        #expect(wider.connections > 2 && wider.connections <= 8, "\(wider)")
    }
}
