import Testing
@testable import Verifier

struct RegistryRewriteTests {
    @Test(arguments: [
        ("old.example.com/team1/app1:v1", "new.example.com:5000/team1/app1:v1"),
        ("old.example.com:443/team1/app1@sha256:" + String(repeating: "a", count: 64),
         "new.example.com:5000/team1/app1@sha256:" + String(repeating: "a", count: 64)),
        ("team1/app1:v1", "new.example.com:5000/team1/app1:v1"),
        ("nginx", "new.example.com:5000/nginx"),
        ("docker.io/library/nginx:1.25", "new.example.com:5000/library/nginx:1.25"),
        ("localhost/a/b/c:tag", "new.example.com:5000/a/b/c:tag"),
    ])
    func replacesOrAddsTheRegistry(_ input: String, _ expected: String) throws {
        let registry = try RegistryHost(parsing: "new.example.com:5000")
        #expect(try ImageReference(parsing: input).replacingRegistry(with: registry).description == expected)
    }

    @Test(arguments: ["127.0.0.1:5000", "registry:5000", "localhost", "localhost:5000", "[::1]:5000", "a-b.example.com", "Registry"])
    func acceptsRegistryAddresses(_ text: String) throws {
        #expect(try RegistryHost(parsing: text).description == text)
    }

    /// Docker reads `myregistry/team/app` as the Docker Hub repository `myregistry/team/app`, so
    /// such a host would silently verify Docker Hub's images instead of the new registry's.
    @Test(arguments: ["myregistry", "registry", "team-1"])
    func rejectsAHostDockerWouldReadAsADockerHubNamespace(_ text: String) {
        #expect {
            try RegistryHost(parsing: text)
        } throws: { error in
            (error as? ReferenceError)?.reason
                == "\"\(text)\" would be read as a Docker Hub namespace; give a port (\(text):5000) or a dotted name"
        }
    }

    @Test func refusesARewriteThatDockerWouldPullFromAnotherRegistry() throws {
        let hubNamespace = RegistryHost(unchecked: "myregistry")
        #expect {
            try ImageReference(parsing: "old.example.com/team/app:v1").replacingRegistry(with: hubNamespace)
        } throws: { error in
            (error as? ReferenceError)?.reason == "\"myregistry/team/app:v1\" would be pulled from Docker Hub, not from myregistry"
        }
    }

    @Test(arguments: ["http://registry.example.com", "registry.example.com/", "host:port", "-r", "", "reg istry", "a..b"])
    func rejectsWhatIsNotARegistryAddress(_ text: String) {
        #expect(throws: ReferenceError.self) { try RegistryHost(parsing: text) }
    }

    @Test func refusesARewriteThatMakesTheNameTooLong() throws {
        let path = String(repeating: "a/", count: 110) + "a"
        let registry = try RegistryHost(parsing: String(repeating: "r", count: 60) + ".example.com")
        #expect(throws: ReferenceError.self) { try ImageReference(parsing: path).replacingRegistry(with: registry) }
    }
}
