import Foundation
import Testing

/// `--registry` as a user gives it, through the real binary.
struct RegistryOptionTests {
    @Test func aHostDockerWouldReadAsADockerHubNamespaceIsRefusedBeforeAnyPull() throws {
        let scratch = VerifyRun.scratch()
        try "old.example.com/team/app:v1\n".write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        let result = try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--docker", VerifyRun.fakeDocker,
                                                        "--registry", "myregistry"],
                                 environment: ["FAKE_DOCKER_STATE": scratch + "/state"])
        #expect(result.status == 2)
        #expect(result.stderr == "verify: error: --registry: \"myregistry\" would be read as a Docker Hub namespace; give a port (myregistry:5000) or a dotted name (see verify --help)\n")
        #expect(!FileManager.default.fileExists(atPath: scratch + "/state/calls.log"), "docker was never asked")
    }

    /// A CA file that cannot be read is a usage error at once, not a network error for every
    /// image of the list (each tried again, then recorded).
    @Test func aCACertificateThatCannotBeReadIsRefusedBeforeAnyImage() throws {
        let scratch = VerifyRun.scratch()
        try "registry.example.com/team/app:v1\n".write(toFile: scratch + "/images.txt", atomically: true, encoding: .utf8)
        for path in [scratch + "/missing.pem", scratch] {
            let result = try execute(VerifyRun.executable, [scratch + "/images.txt", "-o", scratch + "/out", "--client", "registry",
                                                            "--ca-cert", path, "--progress", "none"])
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("verify: error: --ca-cert: cannot read \"\(path)\""), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: scratch + "/out/results.jsonl"))
        }
    }
}
