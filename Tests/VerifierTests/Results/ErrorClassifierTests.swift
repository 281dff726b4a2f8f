import Foundation
import Testing
@testable import Verifier

/// Every real docker message in Fixtures/client-output (copied from shared/client-output-samples:
/// docker 28.2.2 and 20.10 against Debian's registry 2.8.2) lands in the category a person expects.
struct ErrorClassifierTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/client-output")

    /// The stderr part of a captured run.
    static func stderr(of name: String) throws -> String {
        let text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
        if name.hasSuffix(".err") { return text }
        guard let marker = text.range(of: "# ---- stderr ----\n") else { return "" }
        return String(text[marker.upperBound...])
    }

    static let expectations: [(file: String, category: ErrorCategory)] = [
        ("docker__missing_tag.txt", .notFound),
        ("docker__missing_repo.txt", .notFound),
        ("docker__manifest_deleted.txt", .notFound),
        ("docker__wrong_digest.txt", .notFound),
        ("docker20__missing_tag.txt", .notFound),
        ("docker20__missing_repo.txt", .notFound),
        ("docker20__manifest_deleted.txt", .notFound),
        ("docker20__wrong_digest.txt", .notFound),
        ("restarted-docker__manifest_deleted.txt", .notFound),
        ("restarted-docker20__manifest_deleted.txt", .notFound),
        ("restarted-docker__layer_deleted.txt", .blobUnknown),
        ("restarted-docker20__layer_deleted.txt", .blobUnknown),
        ("restarted-docker__config_deleted.txt", .blobUnknown),
        ("restarted-docker20__config_deleted.txt", .blobUnknown),
        ("docker__layer_deleted.txt", .network),
        ("docker20__layer_deleted.txt", .network),
        ("docker__config_deleted.txt", .network),
        ("docker20__config_deleted.txt", .network),
        ("docker__conn_refused.txt", .network),
        ("docker20__conn_refused.txt", .network),
        ("docker__conn_closed.txt", .network),
        ("docker20__conn_closed.txt", .network),
        ("docker__hang_silent_gave_up.err", .network),
        ("docker__daemon_down.txt", .daemonUnavailable),
        ("docker__daemon_down_default_socket.txt", .daemonUnavailable),
        ("docker__invalid_ref.txt", .invalidReference),
        ("docker20__invalid_ref.txt", .invalidReference),
        ("docker_rmi__not_present.txt", .notFound),
        ("docker20__corrupt_layer.txt", .digestMismatch),
        ("docker20__corrupt_config.txt", .digestMismatch),
    ]

    /// The captures of registries answering 429 and 5xx (scripts/capture-status-samples.sh,
    /// STATUS-NOTES.md): the status is in the file name. Those that pulled after all print nothing.
    static let statusExpectations: [(file: String, category: ErrorCategory)] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return files.sorted().compactMap { file in
            guard !((try? stderr(of: file)) ?? "").isEmpty else { return nil }
            if file.contains("_429") { return (file, .rateLimited) }
            if file.range(of: #"_5\d\d"#, options: .regularExpression) != nil { return (file, .serverError) }
            return nil
        }
    }()

    @Test(arguments: expectations + statusExpectations)
    func classifiesRealDockerOutput(_ file: String, _ category: ErrorCategory) throws {
        let text = try Self.stderr(of: file)
        #expect(!text.isEmpty, "\(file) has no stderr")
        #expect(ErrorClassifier.classify(text) == category, "\(file): \(text)")
    }

    @Test func everyFailureFixtureIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path)
        #expect(Self.statusExpectations.count >= 90, "the 429 and 5xx captures are all there")
        let covered = Set((Self.expectations + Self.statusExpectations).map(\.file))
        for file in files where !covered.contains(file) {
            // The rest are successes, or hangs that print nothing: our timeout ends those.
            #expect(try Self.stderr(of: file).isEmpty, "\(file) has stderr but no expected category")
        }
    }

    /// Registry answers docker relays for credentials and rate limits (no local registry gives
    /// these, so the texts are Docker Hub's as docker prints them).
    @Test(arguments: [
        ("Error response from daemon: pull access denied for team/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", ErrorCategory.unauthorized),
        ("Error response from daemon: Head \"https://registry.example.com/v2/team/app/manifests/v1\": unauthorized: authentication required", .unauthorized),
        ("Error response from daemon: Get \"https://registry.example.com/v2/\": no basic auth credentials", .unauthorized),
        ("Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit", .rateLimited),
        ("Error response from daemon: Get \"https://registry.example.com/v2/\": dial tcp: lookup registry.example.com: no such host", .network),
        ("Error response from daemon: Get \"https://registry.example.com/v2/\": x509: certificate signed by unknown authority", .network),
        ("Error response from daemon: Get \"https://127.0.0.1:5000/v2/\": http: server gave HTTP response to HTTPS client", .network),
        ("something nobody has seen before", .other),
        ("", .other),
    ])
    func classifiesRegistryRefusals(_ text: String, _ category: ErrorCategory) {
        #expect(ErrorClassifier.classify(text) == category)
    }

    @Test func aDigestContaining429IsNotARateLimit() {
        let text = "Error response from daemon: manifest for r/a@sha256:429429 not found: manifest unknown"
        #expect(ErrorClassifier.classify(text) == .notFound)
    }
}
